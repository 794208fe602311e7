// One webview panel that shows the latest `csound/explain` answer, rendered as Markdown.
import * as vscode from "vscode";

let panel: vscode.WebviewPanel | undefined;

export async function showExplanation(
  context: vscode.ExtensionContext,
  title: string,
  markdown: string,
): Promise<void> {
  const body = markdown.trim() ? await renderMarkdown(markdown) : "<p><em>The server gave no explanation.</em></p>";
  if (!panel) {
    panel = vscode.window.createWebviewPanel("csoundExplain", title, vscode.ViewColumn.Beside, {
      enableScripts: false,
      enableFindWidget: true,
    });
    panel.onDidDispose(() => (panel = undefined), undefined, context.subscriptions);
  }
  panel.title = title;
  panel.webview.html = page(panel.webview, title, body);
  panel.reveal(vscode.ViewColumn.Beside, true);
}

/** VS Code's own Markdown renderer (built-in markdown extension); escaped text when it is missing. */
async function renderMarkdown(markdown: string): Promise<string> {
  try {
    const html = await vscode.commands.executeCommand<string>("markdown.api.render", markdown);
    if (typeof html === "string" && html) {
      return html;
    }
  } catch {
    // fall through
  }
  return `<pre>${escapeHtml(markdown)}</pre>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(webview: vscode.Webview, title: string, body: string): string {
  const csp = `default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; img-src ${webview.cspSource} https: data:;`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 1em; line-height: 1.5; }
  pre, code { font-family: var(--vscode-editor-font-family); }
  pre { background: var(--vscode-textCodeBlock-background); padding: 0.6em; overflow-x: auto; }
  h1 { font-size: 1.3em; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div id="explanation">${body}</div>
</body>
</html>`;
}
