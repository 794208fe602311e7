// The server's private Python environment: a venv in the extension's global storage with the csound-lsp wheel
// that ships inside the .vsix, so installing the extension is enough (the pattern of Microsoft's Python tool
// extensions). Made once after one confirmation, re-used later, and refreshed when the bundled wheel changes.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { lastLine, onPath, type Ran, run } from "./exec";
import { settingsScope } from "./settings";
import { atLeast, builtFor, platformFits, wheelFits, wheelVersion } from "./wheels";

const MIN_PYTHON: [number, number] = [3, 11];
const PYTHON_DOWNLOAD = "https://www.python.org/downloads/";
const PIP = ["-m", "pip", "install", "--disable-pip-version-check", "--no-input"];
/** Written into the environment after a successful install: which bundled wheel it holds. */
const MARKER = "csound-lsp-extension.json";
/** Another window holding the lock longer than this has died; its half-made environment is made again. */
const STALE_LOCK_MS = 15 * 60 * 1000;

/** A Python interpreter found on this machine, as the probe saw it. */
export interface Python {
  command: string;
  prefix: string[];
  version: [number, number];
  implementation: string;
  executable: string;
  hasVenv: boolean;
}

/** The inputs of one set-up: the interpreter and the wheels it may install (tried in order). */
export interface Plan {
  python: Python;
  wheels: string[];
  bundle: string;
}

interface Marker {
  bundle: string;
  wheel: string;
  version: string;
  python: string;
}

export type EnvironmentState = "ready" | "outdated" | "absent";

export class ManagedEnvironment {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The venv's folder under globalStorage (per user, shared by all windows). */
  get dir(): string {
    return path.join(this.context.globalStorageUri.fsPath, "server-env");
  }

  get python(): string {
    return process.platform === "win32"
      ? path.join(this.dir, "Scripts", "python.exe")
      : path.join(this.dir, "bin", "python");
  }

  /**
   * The environment's csound-lsp script: it starts the server without putting the working folder on the
   * import path (as `python -m` would), so a workspace that holds a csound_lsp folder cannot shadow it.
   */
  get script(): string {
    return process.platform === "win32"
      ? path.join(this.dir, "Scripts", "csound-lsp.exe")
      : path.join(this.dir, "bin", "csound-lsp");
  }

  /** The csound_lsp-*.whl files packaged into the .vsix (editors/vscode/bundled). */
  bundledWheels(): string[] {
    const folder = path.join(this.context.extensionPath, "bundled");
    try {
      return fs
        .readdirSync(folder)
        .filter((name) => /^csound_lsp-.+\.whl$/.test(name))
        .sort()
        .map((name) => path.join(folder, name));
    } catch {
      return [];
    }
  }

  /** A digest of the bundled wheels (names and bytes): a rebuilt wheel with the same version still counts as new. */
  bundleId(): string | undefined {
    const wheels = this.bundledWheels();
    if (wheels.length === 0) {
      return undefined;
    }
    const hash = crypto.createHash("sha256");
    for (const wheel of wheels) {
      hash.update(path.basename(wheel));
      hash.update(fs.readFileSync(wheel));
    }
    return hash.digest("hex");
  }

  installed(): Marker | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir, MARKER), "utf8")) as Marker;
    } catch {
      return undefined;
    }
  }

  state(): EnvironmentState {
    const marker = this.installed();
    if (!marker || !fs.existsSync(this.script)) {
      return "absent";
    }
    const bundle = this.bundleId();
    return bundle === undefined || marker.bundle === bundle ? "ready" : "outdated";
  }

  /**
   * What a set-up would use: the bundled wheels for this machine and the first Python that can install one.
   * Undefined after the one message that says why there is none, so the user is never asked in vain.
   */
  async plan(): Promise<Plan | undefined> {
    const wheels = this.bundledWheels();
    const bundle = this.bundleId();
    if (wheels.length === 0 || bundle === undefined) {
      const text = "this build of the extension carries no csound-lsp wheel (editors/vscode/bundled)";
      this.log.error(`Setting up csound-lsp: ${text}.`);
      void vscode.window.showErrorMessage(`Csound: cannot set up the language server: ${text}.`);
      return undefined;
    }
    const forThisMachine = wheels.filter((wheel) => platformFits(wheel));
    if (forThisMachine.length === 0) {
      const text =
        `the csound-lsp in this extension is built for ${wheels.map(builtFor).join(", ")}, not for ` +
        `${process.platform}-${process.arch}; install csound-lsp yourself (pip install csound-lsp) and set csound.server.path`;
      this.log.error(`Setting up csound-lsp: ${text}.`);
      void vscode.window.showErrorMessage(`Csound: ${text}.`);
      return undefined;
    }
    const usable = (python: Python) => python.hasVenv && forThisMachine.some((wheel) => wheelFits(wheel, python));
    const pythons = await findPythons(this.log, usable);
    const python = pythons.find(usable);
    if (!python) {
      noPython(this.log, pythons, forThisMachine);
      return undefined;
    }
    return { python, wheels: forThisMachine.filter((wheel) => wheelFits(wheel, python)), bundle };
  }

  /**
   * Makes the environment under a progress notification: `first` (a new one, unless another window made it
   * meanwhile), `update` (the bundled wheel changed: installed over the old one) or `rebuild` (always anew).
   * Returns false after showing the one message that says why it could not.
   */
  async install(mode: "first" | "update" | "rebuild", reason: string, planned?: Plan): Promise<boolean> {
    const plan = planned ?? (await this.plan());
    if (!plan) {
      return false;
    }
    const { python } = plan;
    this.log.info(`Setting up csound-lsp (${reason}) with Python ${python.version.join(".")} at ${python.executable}`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "Csound: setting up the language server", cancellable: false },
      async (progress) => {
        const release = await this.lock(progress);
        try {
          if (mode !== "rebuild" && this.state() === "ready") {
            return true; // another window finished it while this one waited
          }
          return await this.installLocked(mode !== "update", plan, progress);
        } finally {
          release();
        }
      },
    );
  }

  private async installLocked(
    fresh: boolean,
    { python, wheels, bundle }: Plan,
    progress: vscode.Progress<{ message?: string }>,
  ): Promise<boolean> {
    const line = (text: string) => this.log.info(`  ${text}`);
    if (fresh || !fs.existsSync(this.python)) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      fs.mkdirSync(path.dirname(this.dir), { recursive: true });
      progress.report({ message: `creating a Python ${python.version.join(".")} environment…` });
      const venv = await run(python.command, [...python.prefix, "-m", "venv", this.dir], {
        timeoutMs: 300_000,
        onLine: line,
      });
      if (venv.code !== 0) {
        return failed(this.log, "could not create the Python environment", venv);
      }
    }
    fs.rmSync(path.join(this.dir, MARKER), { force: true });
    progress.report({ message: "installing csound-lsp…" });
    let chosen: string | undefined;
    for (const wheel of wheels) {
      const ran = await run(this.python, [...PIP, "--force-reinstall", "--no-deps", wheel], {
        timeoutMs: 300_000,
        onLine: line,
      });
      if (ran.code === 0) {
        chosen = wheel;
        break;
      }
      if (!/not a supported wheel/i.test(ran.stdout + ran.stderr)) {
        return failed(this.log, `could not install ${path.basename(wheel)}`, ran);
      }
    }
    if (!chosen) {
      const names = wheels.map((w) => path.basename(w)).join(", ");
      this.log.error(`No bundled wheel fits this machine (${names}).`);
      noPython(this.log, [python], wheels);
      return false;
    }
    progress.report({ message: "installing its dependencies (from the package index; takes a minute)…" });
    const deps = await run(this.python, [...PIP, chosen], { timeoutMs: 900_000, onLine: line });
    if (deps.code !== 0) {
      return failed(this.log, "could not install csound-lsp's dependencies", deps);
    }
    const check = await run(this.script, ["--version"], { timeoutMs: 120_000 });
    if (check.code !== 0) {
      return failed(this.log, "the installed csound-lsp does not start", check);
    }
    const marker: Marker = {
      bundle,
      wheel: path.basename(chosen),
      version: wheelVersion(chosen),
      python: python.version.join("."),
    };
    fs.writeFileSync(path.join(this.dir, MARKER), JSON.stringify(marker, null, 2));
    this.log.info(`csound-lsp ${marker.version} is set up in ${this.dir}`);
    return true;
  }

  /** One window at a time builds the environment; the others wait for it (a folder is made atomically). */
  private async lock(progress: vscode.Progress<{ message?: string }>): Promise<() => void> {
    const lock = `${this.dir}.lock`;
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    for (;;) {
      try {
        fs.mkdirSync(lock);
        return () => fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        let age = 0;
        try {
          age = Date.now() - fs.statSync(lock).mtimeMs;
        } catch {
          continue; // released between the two calls
        }
        if (age > STALE_LOCK_MS) {
          fs.rmSync(lock, { recursive: true, force: true });
          continue;
        }
        progress.report({ message: "waiting for another window that is setting it up…" });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}

/**
 * Asks once, with one button, whether to set the server up; true when the user agreed. The question names what
 * happens (a private environment, a download from the package index) so the one click is an informed one.
 */
export async function askToSetUp(): Promise<boolean> {
  const choice = await vscode.window.showInformationMessage(
    "Csound: the csound-lsp language server is not installed. Set it up now? The extension makes a private " +
      "Python environment for it and downloads its dependencies from the Python package index (about 200 MB).",
    "Set Up",
  );
  return choice === "Set Up";
}

/** Interpreters to try for the venv: csound.python.path when set (only it), else the usual names on PATH. */
function pythonCandidates(): { command: string; prefix: string[] }[] {
  const configured = vscode.workspace.getConfiguration("csound", settingsScope()).get<string>("python.path", "").trim();
  if (configured) {
    return [{ command: configured.startsWith("~/") ? path.join(process.env.HOME ?? "", configured.slice(2)) : configured, prefix: [] }];
  }
  const names = ["python3", "python3.14", "python3.13", "python3.12", "python3.11", "python"];
  const found: { command: string; prefix: string[] }[] = [];
  if (process.platform === "win32" && onPath("py")) {
    found.push({ command: "py", prefix: ["-3"] });
  }
  for (const name of names) {
    const file = onPath(name);
    if (file) {
      found.push({ command: file, prefix: [] });
    }
  }
  return found;
}

const PROBE =
  "import json, sys\n" +
  "try:\n    import venv, ensurepip\n    ok = True\nexcept ImportError:\n    ok = False\n" +
  "print(json.dumps({'version': list(sys.version_info[:2]), 'implementation': sys.implementation.name, " +
  "'executable': sys.executable, 'venv': ok}))";

/**
 * The candidate interpreters that run and are at least MIN_PYTHON, in the order tried, without duplicates;
 * the search stops at the first one `enough` accepts (each probe starts a Python: a second or so).
 */
export async function findPythons(
  log: vscode.LogOutputChannel,
  enough: (python: Python) => boolean = () => false,
): Promise<Python[]> {
  const seen = new Set<string>();
  const pythons: Python[] = [];
  for (const candidate of pythonCandidates()) {
    const ran = await run(candidate.command, [...candidate.prefix, "-c", PROBE], { timeoutMs: 30_000 });
    if (ran.code !== 0) {
      log.info(`Python candidate ${candidate.command}: ${lastLine(ran)}`);
      continue;
    }
    try {
      const seenBy = JSON.parse(ran.stdout.trim().split(/\r?\n/).at(-1) ?? "") as {
        version: [number, number];
        implementation: string;
        executable: string;
        venv: boolean;
      };
      const python: Python = { ...candidate, ...seenBy, hasVenv: seenBy.venv };
      const key = fs.existsSync(python.executable) ? fs.realpathSync(python.executable) : python.executable;
      log.info(`Python candidate ${candidate.command}: ${python.version.join(".")} at ${python.executable}${python.hasVenv ? "" : " (no venv module)"}`);
      if (!seen.has(key) && atLeast(python.version, MIN_PYTHON)) {
        seen.add(key);
        pythons.push(python);
        if (enough(python)) {
          break;
        }
      }
    } catch {
      log.info(`Python candidate ${candidate.command}: unreadable answer ${ran.stdout.slice(0, 200)}`);
    }
  }
  return pythons;
}

/** The one message for "no Python that can hold the server", with one action: the download page. */
function noPython(log: vscode.LogOutputChannel, pythons: Python[], wheels: string[]): void {
  const tags = [...new Set(wheels.map(builtFor))];
  const found = pythons.map((p) => p.version.join(".")).join(", ");
  const withoutVenv = pythons.filter((p) => !p.hasVenv);
  let detail: string;
  const configured = vscode.workspace.getConfiguration("csound", settingsScope()).get<string>("python.path", "").trim();
  if (pythons.length === 0 && configured) {
    detail = `csound.python.path (${configured}) is not a Python ${MIN_PYTHON.join(".")} or newer that runs here`;
  } else if (pythons.length === 0) {
    detail = `csound-lsp needs Python ${MIN_PYTHON.join(".")} or newer, and none was found`;
  } else if (withoutVenv.length === pythons.length) {
    detail = `Python ${found} cannot make virtual environments (on Debian or Ubuntu: apt install python3-venv)`;
  } else {
    detail = `the csound-lsp in this extension is built for ${tags.join(", ")}, which Python ${found} cannot load`;
  }
  log.error(`Setting up csound-lsp: ${detail}.`);
  // Not awaited: the progress notification and the lock must not wait for the user to close the message.
  void vscode.window
    .showErrorMessage(`Csound: ${detail}. Install Python, or point csound.python.path at one.`, "Download Python")
    .then((choice) => choice === "Download Python" && vscode.env.openExternal(vscode.Uri.parse(PYTHON_DOWNLOAD)));
}

function failed(log: vscode.LogOutputChannel, what: string, ran: Ran): false {
  log.error(`Setting up csound-lsp: ${what}: ${lastLine(ran)}`);
  void vscode.window
    .showErrorMessage(`Csound: setting up the language server failed: ${what} (${lastLine(ran)}).`, "Show Log")
    .then((choice) => choice === "Show Log" && log.show(true));
  return false;
}
