// A thin client: finds csound-lsp or sets it up (server.ts, setup.ts), starts it over stdio and wires VS Code's
// UI to the server's requests. Everything Csound-specific (diagnostics, hover, completion, AI) lives in the server.
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
} from "vscode-languageclient/node";
import { showExplanation } from "./explainPanel";
import { commandLine, resolveServer } from "./server";
import { serverSettings } from "./settings";
import { ManagedEnvironment } from "./setup";

const SECTION = "csound";
let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
let environment: ManagedEnvironment | undefined;
/** Starts and restarts run one after another: a restart asked for during a first-run set-up waits for it. */
let queue: Promise<void> = Promise.resolve();

function queued(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task, task);
  return queue;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Csound Language Server", { log: true });
  context.subscriptions.push(output);
  environment = new ManagedEnvironment(context, output);

  const command = (id: string, run: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  command("csoundLsp.restartServer", () => queued(() => restart(context)));
  command("csoundLsp.setUpServer", () => queued(() => restart(context, { setUp: true })));
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
      if (event.affectsConfiguration(`${SECTION}.server`) || event.affectsConfiguration(`${SECTION}.python`)) {
        const choice = await vscode.window.showInformationMessage(
          "The csound-lsp server settings changed. Restart the server now?",
          "Restart",
        );
        if (choice === "Restart") {
          await queued(() => restart(context));
        }
        return;
      }
      // `settings: null` asks the server to pull the `csound` section through workspace/configuration.
      await client?.sendNotification("workspace/didChangeConfiguration", { settings: null });
    }),
  );

  // Not awaited: a first-time set-up takes a minute, and activation (the commands above) is done already.
  void queued(() => start(context));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function start(context: vscode.ExtensionContext, options: { setUp?: boolean } = {}): Promise<void> {
  if (!output || !environment) {
    return;
  }
  const server = await resolveServer(environment, output, options);
  if (!server) {
    output.warn("csound-lsp is not running (see the messages above).");
    return;
  }
  const args = commandLine(server);
  output.appendLine(`Starting ${server.command} ${args.join(" ")} (from ${server.origin})`);
  const serverOptions: ServerOptions = {
    // No `transport`: TransportKind.stdio would append `--stdio`, which `csound-lsp serve` does not take.
    run: { command: server.command, args },
    debug: { command: server.command, args: [...args, "--log-level", "DEBUG"] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "csound" },
      { scheme: "untitled", language: "csound" },
    ],
    outputChannel: output,
    // A failed request goes to the log, never into a popup: typing must not raise notifications.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: serverSettings(),
    middleware: {
      // Inline completion runs on every keystroke: its failures (no AI backend, a timeout) are logged only.
      provideInlineCompletionItems: async (document, position, inlineContext, token, next) => {
        try {
          return await next(document, position, inlineContext, token);
        } catch (error) {
          if (!token.isCancellationRequested) {
            output?.debug(`Inline completion failed: ${messageOf(error)}`);
          }
          return null;
        }
      },
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
    // The language client has already shown its one message about it; the log keeps the details.
    output.error(`Could not start csound-lsp (${server.command}): ${messageOf(error)}`);
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext, options: { setUp?: boolean } = {}): Promise<void> {
  if (client) {
    try {
      await client.stop();
    } catch (error) {
      output?.appendLine(`Stopping the server failed: ${String(error)}`);
    }
    client = undefined;
  }
  await start(context, options);
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
