// Finding the server to start: a configured one (from any settings scope), one already installed (the
// workspace's .venv, PATH), or the extension's own environment, set up on first use. Every candidate is
// checked with `--version` before the client spawns it, so a missing or broken server gives one clear
// message from here instead of the language client's spawn errors.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { isExecutable, lastLine, onPath, run } from "./exec";
import { settingsScope } from "./settings";
import { askToSetUp, type ManagedEnvironment } from "./setup";

const SECTION = "csound";

export interface ServerCommand {
  command: string;
  /** Arguments before the server's own: `-m csound_lsp` for an interpreter, none for the csound-lsp script. */
  prefix: string[];
  args: string[];
  /** Where it came from, for the log and messages ("csound.server.path in user settings"). */
  origin: string;
}

export function commandLine(server: ServerCommand): string[] {
  return [...server.prefix, ...server.args];
}

function configuration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, settingsScope());
}

/** Which settings file a value came from, for messages that tell the user where to fix it. */
function scopeOf(config: vscode.WorkspaceConfiguration, key: string): string {
  const seen = config.inspect(key);
  if (seen?.workspaceFolderValue !== undefined) {
    return "folder settings";
  }
  if (seen?.workspaceValue !== undefined) {
    return "workspace settings";
  }
  return "user settings";
}

function expand(file: string): string {
  let out = file.startsWith("~/") || file === "~" ? path.join(process.env.HOME ?? "", file.slice(1)) : file;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    out = out.replace(/\$\{workspaceFolder\}/g, folder);
    if (!path.isAbsolute(out) && /[\\/]/.test(out)) {
      out = path.join(folder, out);
    }
  }
  return out;
}

/** csound.server.python, else csound.server.path, when the user set one. */
export function configuredServer(): ServerCommand | undefined {
  const config = configuration();
  const args = config.get<string[]>("server.args", ["serve"]);
  const python = config.get<string>("server.python", "").trim();
  if (python) {
    return {
      command: expand(python),
      prefix: ["-m", "csound_lsp"],
      args,
      origin: `csound.server.python in ${scopeOf(config, "server.python")}`,
    };
  }
  const explicit = config.get<string>("server.path", "").trim();
  if (explicit) {
    return { command: expand(explicit), prefix: [], args, origin: `csound.server.path in ${scopeOf(config, "server.path")}` };
  }
  return undefined;
}

/** Servers already on this machine, in the order tried: each workspace folder's .venv, then PATH. */
function installedServers(args: string[]): ServerCommand[] {
  const found: ServerCommand[] = [];
  const script = process.platform === "win32" ? path.join("Scripts", "csound-lsp.exe") : path.join("bin", "csound-lsp");
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const candidate = path.join(folder.uri.fsPath, ".venv", script);
    if (isExecutable(candidate)) {
      found.push({ command: candidate, prefix: [], args, origin: `the workspace's .venv` });
    }
  }
  const onThePath = onPath("csound-lsp");
  if (onThePath) {
    found.push({ command: onThePath, prefix: [], args, origin: "PATH" });
  }
  return found;
}

/** Runs `<server> --version`; the reason it failed, or undefined when the server answers. */
export async function check(server: ServerCommand): Promise<string | undefined> {
  let command = server.command;
  if (!/[\\/]/.test(command)) {
    const found = onPath(command);
    if (!found) {
      return `${command} is not on PATH`;
    }
    command = found;
  } else if (!fs.existsSync(command)) {
    return `${command} does not exist`;
  }
  const ran = await run(command, [...server.prefix, "--version"], { timeoutMs: 120_000 });
  if (ran.code === 0 && /csound-lsp/i.test(ran.stdout)) {
    return undefined;
  }
  return ran.code === 0 ? `${command} does not look like csound-lsp (${ran.stdout.trim().slice(0, 80)})` : lastLine(ran);
}

/**
 * The server to start, or undefined after the one message that says why there is none. `setUp` (the
 * command) rebuilds the extension's environment even when another server was found.
 */
export async function resolveServer(
  environment: ManagedEnvironment,
  log: vscode.LogOutputChannel,
  options: { setUp?: boolean } = {},
): Promise<ServerCommand | undefined> {
  const args = configuration().get<string[]>("server.args", ["serve"]);
  const managed: ServerCommand = {
    command: environment.script,
    prefix: [],
    args,
    origin: `the extension's environment (${environment.dir})`,
  };
  if (options.setUp) {
    return (await environment.install("rebuild", "asked for by the command")) ? managed : undefined;
  }
  const configured = configuredServer();
  if (configured) {
    const problem = await check(configured);
    if (problem === undefined) {
      return configured;
    }
    log.error(`csound-lsp from ${configured.origin} cannot start: ${problem}`);
    void vscode.window
      .showErrorMessage(
        `Csound: the server set in ${configured.origin} cannot start: ${problem}. Fix the setting, or clear it to ` +
          "let the extension set up its own server.",
        "Open Settings",
      )
      .then((choice) => choice && vscode.commands.executeCommand("workbench.action.openSettings", "csound.server"));
    return undefined;
  }
  for (const candidate of installedServers(args)) {
    const problem = await check(candidate);
    if (problem === undefined) {
      return candidate;
    }
    log.warn(`Skipping csound-lsp from ${candidate.origin} (${candidate.command}): ${problem}`);
  }
  const state = environment.state();
  if (state === "ready") {
    const problem = await check(managed);
    if (problem === undefined) {
      return managed;
    }
    // The interpreter the venv was made from went away (an upgrade, say): the user agreed once, make it again.
    log.warn(`The extension's environment does not start (${problem}); making it again.`);
    return (await environment.install("rebuild", "the environment stopped working")) ? managed : undefined;
  }
  if (state === "outdated") {
    const was = environment.installed()?.version ?? "?";
    return (await environment.install("update", `the bundled csound-lsp changed (was ${was})`)) ? managed : undefined;
  }
  if (environment.bundledWheels().length === 0) {
    log.error("csound-lsp was not found and this build of the extension carries no wheel to set it up.");
    void vscode.window
      .showErrorMessage(
        "Csound: csound-lsp was not found (csound.server.path is empty, there is no .venv/bin/csound-lsp in the " +
          "workspace and none on PATH). Install it (pip install csound-lsp) or set csound.server.path.",
        "Open Settings",
      )
      .then((choice) => choice && vscode.commands.executeCommand("workbench.action.openSettings", "csound.server"));
    return undefined;
  }
  // Python is looked for before asking: when there is none, its message comes instead of the question.
  const plan = await environment.plan();
  if (!plan) {
    return undefined;
  }
  if (!(await askToSetUp())) {
    log.info("Set-up declined; run 'Csound: Set Up the Language Server' to do it later.");
    return undefined;
  }
  return (await environment.install("first", "first use", plan)) ? managed : undefined;
}
