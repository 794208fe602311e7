// The `csound` settings as the server reads them (initializationOptions and workspace/configuration), and the
// resource the client reads its own settings for (so folder settings count).
import * as vscode from "vscode";

/** Settings only the client uses; the server never sees them. */
const CLIENT_ONLY = ["server", "python", "trace"];

/**
 * The `csound` section as plain JSON, without client-only keys and without empty strings, so an
 * unset `ai.host` or model leaves the server's own default (which depends on the backend) in place.
 */
export function serverSettings(): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration("csound");
  const plain = JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
  for (const key of CLIENT_ONLY) {
    delete plain[key];
  }
  return prune(plain) as Record<string, unknown>;
}

export function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(prune);
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pruned = prune(child);
      if (pruned === undefined || pruned === null || pruned === "") {
        continue;
      }
      if (typeof pruned === "object" && !Array.isArray(pruned) && Object.keys(pruned).length === 0) {
        continue;
      }
      out[key] = pruned;
    }
    return out;
  }
  return value;
}

/** The resource whose settings decide: the active Csound file (folder settings apply), else the first folder. */
export function settingsScope(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document && document.languageId === "csound" && document.uri.scheme === "file") {
    return document.uri;
  }
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}
