// Which bundled wheel an interpreter can install, read from the wheel's file name tags (PEP 427/425), so the
// extension picks the right Python (and says why none fits) before pip is ever run. No vscode import: the
// tests load this module in plain Node.
import * as path from "node:path";

export interface Interpreter {
  version: [number, number];
  /** sys.implementation.name: "cpython", "pypy", … */
  implementation: string;
}

export function atLeast(version: [number, number], minimum: [number, number]): boolean {
  return version[0] > minimum[0] || (version[0] === minimum[0] && version[1] >= minimum[1]);
}

/** name-version(-build)?-python-abi-platform.whl: the last three dash-separated fields are the tags. */
function tags(wheel: string): { python: string[]; abi: string[]; platform: string[] } | undefined {
  const parts = path.basename(wheel, ".whl").split("-");
  if (parts.length < 5) {
    return undefined;
  }
  const [python, abi, platform] = parts.slice(-3).map((field) => field.split("."));
  return { python, abi, platform };
}

/** The interpreter side: pure (py3-none), the stable ABI (abi3: that version or later), or exactly cpXY. */
export function wheelFits(wheel: string, python: Interpreter): boolean {
  const tagged = tags(wheel);
  if (!tagged) {
    return false;
  }
  const own = `cp${python.version[0]}${python.version[1]}`;
  return tagged.python.some((tag) => {
    if (tag === "py3" || tag === `py${python.version[0]}${python.version[1]}`) {
      return tagged.abi.includes("none");
    }
    const match = /^cp(\d)(\d+)$/.exec(tag);
    if (!match || python.implementation !== "cpython") {
      return false;
    }
    if (tagged.abi.includes("abi3")) {
      return atLeast(python.version, [Number(match[1]), Number(match[2])]);
    }
    return tag === own && tagged.abi.includes(own);
  });
}

/** The machine side: `any`, or a platform tag for this OS and processor (Node's names for them). */
export function platformFits(wheel: string, platform: string = process.platform, arch: string = process.arch): boolean {
  const tagged = tags(wheel);
  if (!tagged) {
    return false;
  }
  const machine: Record<string, string[]> = {
    x64: ["x86_64", "amd64", "universal2", "intel"],
    arm64: ["aarch64", "arm64", "universal2"],
    ia32: ["i686", "win32"],
  };
  const system: Record<string, RegExp> = { linux: /^(many|musl)?linux/, darwin: /^macosx/, win32: /^win/ };
  return tagged.platform.some((tag) => {
    if (tag === "any") {
      return true;
    }
    if (!system[platform]?.test(tag)) {
      return false;
    }
    return (machine[arch] ?? [arch]).some((name) => tag.endsWith(name) || tag === name);
  });
}

export function wheelVersion(wheel: string): string {
  return path.basename(wheel).split("-")[1] ?? "?";
}

/** "cp311-cp311-linux_x86_64": what a message says a wheel is built for. */
export function builtFor(wheel: string): string {
  return path.basename(wheel, ".whl").split("-").slice(-3).join("-");
}
