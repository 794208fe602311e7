// A thin client: starts csound-lsp over stdio and wires VS Code's UI to the server's requests.
// Everything Csound-specific (diagnostics, hover, completion, AI) lives in the server.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { showExplanation } from "./explainPanel";
import { serverSettings } from "./settings";

const SECTION = "csound";
let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Csound Language Server", { log: true });
  context.subscriptions.push(output);

  const command = (id: string, run: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  command("csoundLsp.restartServer", () => restart(context));
  command("csoundLsp.showLog", () => (client?.outputChannel ?? output)?.show(true));
  command("csoundLsp.explain", () => explain(context));
  command("csoundLsp.generate", () => generate());
  command("csoundLsp.render", () => render(false));
  command("csoundLsp.play", () => render(true));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        const choice = await vscode.window.showInformationMessage(
          "The csound-lsp server settings changed. Restart the server now?",
          "Restart",
        );
        if (choice === "Restart") {
          await restart(context);
        }
        return;
      }
      // `settings: null` asks the server to pull the `csound` section through workspace/configuration.
      await client?.sendNotification("workspace/didChangeConfiguration", { settings: null });
    }),
  );

  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** The command line that starts the server: an interpreter, an explicit path, the workspace's .venv, or PATH. */
export function serverCommand(): { command: string; args: string[] } {
  const config = vscode.workspace.getConfiguration(SECTION);
  const args = config.get<string[]>("server.args", ["serve"]);
  const python = config.get<string>("server.python", "").trim();
  if (python) {
    return { command: python, args: ["-m", "csound_lsp", ...args] };
  }
  const explicit = config.get<string>("server.path", "").trim();
  if (explicit) {
    return { command: expandHome(explicit), args };
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const candidate = path.join(folder.uri.fsPath, ".venv", "bin", "csound-lsp");
    if (fs.existsSync(candidate)) {
      return { command: candidate, args };
    }
  }
  return { command: "csound-lsp", args };
}

function expandHome(file: string): string {
  return file.startsWith("~/") ? path.join(process.env.HOME ?? "", file.slice(2)) : file;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const { command, args } = serverCommand();
  output?.appendLine(`Starting ${command} ${args.join(" ")}`);
  const serverOptions: ServerOptions = {
    // No `transport`: TransportKind.stdio would append `--stdio`, which `csound-lsp serve` does not take.
    run: { command, args },
    debug: { command, args: [...args, "--log-level", "DEBUG"] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "csound" },
      { scheme: "untitled", language: "csound" },
    ],
    outputChannel: output,
    initializationOptions: serverSettings(),
    middleware: {
      workspace: {
        // Answer with the same cleaned object as initializationOptions (no client-only keys, no empty strings).
        configuration: async (params, token, next) => {
          const results = await next(params, token);
          if (!Array.isArray(results)) {
            return results;
          }
          return params.items.map((item, index) =>
            item.section === SECTION ? serverSettings() : results[index],
          );
        },
      },
    },
  };
  client = new LanguageClient("csound", "Csound Language Server", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output?.appendLine(`Could not start csound-lsp: ${message}`);
    const choice = await vscode.window.showErrorMessage(
      `Could not start csound-lsp (${command}): ${message}. Install it (scripts/setup.sh) or set csound.server.path.`,
      "Open Settings",
      "Show Log",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "csound.server");
    } else if (choice === "Show Log") {
      output?.show(true);
    }
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (client) {
    try {
      await client.stop();
    } catch (error) {
      output?.appendLine(`Stopping the server failed: ${String(error)}`);
    }
    client = undefined;
  }
  await start(context);
}

function runningClient(): LanguageClient | undefined {
  if (!client?.isRunning()) {
    void vscode.window.showErrorMessage("csound-lsp is not running: see Csound: Show Language Server Log.");
    return undefined;
  }
  return client;
}

function csoundEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "csound") {
    void vscode.window.showWarningMessage("Open a Csound file first.");
    return undefined;
  }
  return editor;
}

/** `csound/explain` on the selection (or the current line) shown in a webview panel. */
async function explain(context: vscode.ExtensionContext): Promise<void> {
  const editor = csoundEditor();
  const lsp = runningClient();
  if (!editor || !lsp) {
    return;
  }
  const selection = editor.selection;
  const range = selection.isEmpty ? editor.document.lineAt(selection.active.line).range : selection;
  const params = {
    textDocument: { uri: editor.document.uri.toString() },
    range: lsp.code2ProtocolConverter.asRange(range),
    position: lsp.code2ProtocolConverter.asPosition(selection.active),
  };
  const title = `Explain: ${path.basename(editor.document.fileName)}:${range.start.line + 1}`;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "csound-lsp: explaining…", cancellable: true },
      (_progress, token) => lsp.sendRequest("csound/explain", params, token),
    );
    await showExplanation(context, title, textOf(result));
  } catch (error) {
    void vscode.window.showErrorMessage(`csound-lsp explain failed: ${messageOf(error)}`);
  }
}

/** Asks for a description, then `workspace/executeCommand csound.generate`; inserts what comes back. */
async function generate(): Promise<void> {
  const lsp = runningClient();
  if (!lsp) {
    return;
  }
  const description = await vscode.window.showInputBox({
    title: "Csound: generate code",
    prompt: "Describe the instrument, UDO or score you want",
    placeHolder: "a plucked string instrument with a low-pass filter sweep",
    ignoreFocusOut: true,
  });
  if (!description?.trim()) {
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const inCsound = editor?.document.languageId === "csound";
  const argument: Record<string, unknown> = { description };
  if (editor && inCsound) {
    argument.textDocument = { uri: editor.document.uri.toString() };
    argument.position = lsp.code2ProtocolConverter.asPosition(editor.selection.active);
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "csound-lsp: generating…", cancellable: true },
      (_progress, token) =>
        lsp.sendRequest(ExecuteCommandRequest.type, { command: "csound.generate", arguments: [argument] }, token),
    );
    const code = textOf(result);
    if (!code) {
      return; // the server applied its own workspace edit
    }
    if (editor && inCsound) {
      await editor.edit((edit) => edit.replace(editor.selection, code));
    } else {
      const document = await vscode.workspace.openTextDocument({ language: "csound", content: code });
      await vscode.window.showTextDocument(document);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`csound-lsp generate failed: ${messageOf(error)}`);
  }
}

/** Explicit render (and play): `workspace/executeCommand csound.render`. Never runs on open or save. */
async function render(play: boolean): Promise<void> {
  const editor = csoundEditor();
  const lsp = runningClient();
  if (!editor || !lsp) {
    return;
  }
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: play ? "csound-lsp: rendering and playing…" : "csound-lsp: rendering…",
        cancellable: true,
      },
      (_progress, token) =>
        lsp.sendRequest(
          ExecuteCommandRequest.type,
          { command: "csound.render", arguments: [{ textDocument: { uri: editor.document.uri.toString() }, play }] },
          token,
        ),
    );
    const summary = textOf(result) || "Render finished.";
    const output = outputPath(result);
    const choice = await vscode.window.showInformationMessage(summary, ...(output ? ["Reveal WAV"] : []));
    if (choice === "Reveal WAV" && output) {
      await vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(output));
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`csound-lsp render failed: ${messageOf(error)}`);
  }
}

/** The text in a server answer, whatever its shape: a string, MarkupContent, or an object with a text field. */
export function textOf(result: unknown): string {
  if (typeof result === "string") {
    return result;
  }
  if (result && typeof result === "object") {
    const record = result as Record<string, unknown>;
    for (const key of ["markdown", "value", "text", "code", "explanation", "message", "summary"]) {
      const value = record[key];
      if (typeof value === "string") {
        return value;
      }
    }
    if (record.contents !== undefined) {
      return textOf(record.contents);
    }
  }
  return "";
}

function outputPath(result: unknown): string | undefined {
  if (result && typeof result === "object") {
    const record = result as Record<string, unknown>;
    for (const key of ["output", "path", "wav"]) {
      if (typeof record[key] === "string") {
        return record[key] as string;
      }
    }
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
