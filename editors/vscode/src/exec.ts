// Running short helper processes (a Python probe, venv, pip) with their output kept for the log and messages.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Ran {
  /** Exit status; null when the process could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run to an exit status (ENOENT, a timeout), when that happened. */
  failure?: string;
}

/** Runs a command without a shell; `onLine` sees each output line as it comes (pip's progress, for the log). */
export function run(
  command: string,
  args: string[],
  options: { timeoutMs: number; onLine?: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<Ran> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let failure: string | undefined;
    let child;
    try {
      child = spawn(command, args, { env: options.env ?? process.env, windowsHide: true });
    } catch (error) {
      resolve({ code: null, stdout, stderr, failure: String(error) });
      return;
    }
    const timer = setTimeout(() => {
      failure = `did not finish in ${Math.round(options.timeoutMs / 1000)} s`;
      child.kill();
    }, options.timeoutMs);
    const lines = (chunk: string) => {
      if (options.onLine) {
        for (const line of chunk.split(/\r?\n/)) {
          if (line.trim()) {
            options.onLine(line);
          }
        }
      }
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      lines(chunk);
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      lines(chunk);
    });
    child.on("error", (error) => {
      failure = error.message;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: failure ? null : code, stdout, stderr, failure });
    });
  });
}

/** The last non-empty line a failed run wrote (pip and Python put the reason there), for a one-line message. */
export function lastLine(ran: Ran): string {
  if (ran.failure) {
    return ran.failure;
  }
  const lines = `${ran.stdout}\n${ran.stderr}`.split(/\r?\n/).filter((line) => line.trim());
  const errors = lines.filter((line) => /^(ERROR|error):/.test(line.trim()));
  return (errors.at(-1) ?? lines.at(-1) ?? `exit status ${ran.code}`).trim();
}

/** `name` looked up on PATH the way a shell would (PATHEXT on Windows); undefined when it is not there. */
export function onPath(name: string, envPath = process.env.PATH ?? ""): string | undefined {
  const extensions =
    process.platform === "win32" ? ["", ...(process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const folder of envPath.split(path.delimiter)) {
    if (!folder) {
      continue;
    }
    for (const extension of extensions) {
      const candidate = path.join(folder, name + extension);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === "win32" ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
