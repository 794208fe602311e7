// End-to-end check of the extension in real VS Code (code-server) driven through Chromium by playwright-core.
// Run by tests/editors/test_vscode.py; by hand:
//   eval "$(/work/shared/tools/code-server /opt/code-server-e2e)"
//   NODE_PATH=$PLAYWRIGHT_NODE_PATH CSLSP_VSIX=... CSLSP_FILE=... CSLSP_RESULT=... node e2e/drive.js
// Environment: CODE_SERVER, CSLSP_VSIX, CSLSP_FILE (a broken CSD; its folder becomes the workspace), CSLSP_RESULT
// (JSON written here), CSLSP_WORK (scratch dir), CSLSP_SCREENSHOTS (PNG folder), CSLSP_SETTINGS (JSON: user
// settings to add, e.g. csound.server.python), CSLSP_FEATURES (comma list of server features to check: hover,
// inline, explain). Each step records what it saw; a failed step records its error and the run goes on.
// CSLSP_SETUP=1: the first-run flow from a clean profile (no server configured or installed): the one set-up
// prompt is confirmed, diagnostics and hover are awaited, typing must raise no notification, and after a window
// reload the extension must re-use its environment without asking again; with the environment's record of its
// wheel made older, a further reload must refresh it without asking. Every notification shown is recorded.
// CSLSP_NOTICES_ONLY=1: open the file, record the notifications of the next 15 s after the first one, stop.
"use strict";
const { chromium } = require("playwright-core");
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");

const env = process.env;
const work = env.CSLSP_WORK;
const file = env.CSLSP_FILE;
const shots = env.CSLSP_SCREENSHOTS;
const features = new Set((env.CSLSP_FEATURES || "").split(",").filter(Boolean));
const setupFlow = env.CSLSP_SETUP === "1";
const result = { steps: {}, skipped: {}, errors: {}, screenshots: [], notifications: [] };

/** Records every notification toast's text as it appears (a MutationObserver, so short-lived toasts count too). */
async function watchNotifications(page) {
  await page.evaluate(() => {
    window.__cslspToasts = [];
    const scan = () => {
      for (const toast of document.querySelectorAll(".notification-toast .notification-list-item-message")) {
        const text = toast.textContent.trim();
        if (text && !window.__cslspToasts.includes(text)) window.__cslspToasts.push(text);
      }
    };
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true, characterData: true });
    scan();
  });
}

async function seenNotifications(page) {
  const seen = await page.evaluate(() => window.__cslspToasts || []).catch(() => []);
  for (const text of seen) if (!result.notifications.includes(text)) result.notifications.push(text);
  return seen;
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`code-server did not answer at ${url}`);
}

async function shot(page, name) {
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  const target = path.join(shots, `${name}.png`);
  await page.screenshot({ path: target });
  result.screenshots.push(target);
}

let currentPage;
async function step(name, run) {
  try {
    result.steps[name] = await run();
  } catch (error) {
    result.errors[name] = String(error && error.stack ? error.stack : error).slice(0, 2000);
    // what the screen looked like, for debugging (kept out of the committed screenshots)
    await currentPage?.screenshot({ path: path.join(work, `failed-${name}.png`) }).catch(() => {});
  }
}

/** The document's rendered lines (Monaco renders NBSP for spaces) without any ghost text (the file is short: every line is on screen). */
async function documentLines(page) {
  const lines = await page.evaluate(() =>
    [...document.querySelectorAll(".part.editor .monaco-editor .view-lines .view-line")].map((line) => {
      const copy = line.cloneNode(true);
      copy.querySelectorAll("[class*='ghost-text']").forEach((ghost) => ghost.remove());
      return { top: parseFloat(line.style.top) || 0, text: copy.textContent.replace(/\u00a0/g, " ") };
    }),
  );
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text);
}

/** The inline suggestion on screen: `first` is the ghost text on the cursor's line (every ghost span there
 * joined), `rest` its further lines (a view zone of `.ghost-text` lines), NBSP turned into spaces. */
async function ghostText(page) {
  const seen = await page.evaluate(() => {
    const editor =
      document.querySelector(".part.editor .monaco-editor.focused") || document.querySelector(".part.editor .monaco-editor");
    if (!editor) return { first: "", rest: [], html: "" };
    const inLine = [...editor.querySelectorAll(".view-lines .view-line")]
      .map((line) => [...line.querySelectorAll(".ghost-text-decoration, .ghost-text-decoration-preview")])
      .filter((spans) => spans.length)
      .map((spans) => spans.map((s) => s.textContent).join(""));
    // Further lines: a view zone holding ghost text, one .view-line per line (or the zone's text).
    const zone = [...editor.querySelectorAll(".view-zones > *")]
      .filter((z) => z.matches("[class*='ghost-text']") || z.querySelector("[class*='ghost-text']"))
      .flatMap((z) => {
        const lines = [...z.querySelectorAll(".view-line")];
        return lines.length ? lines.map((l) => l.textContent) : [z.textContent];
      });
    const html = [...editor.querySelectorAll("[class*='ghost-text']")].map((g) => g.outerHTML.slice(0, 300));
    return { first: inLine.join(""), rest: zone, html };
  });
  const clean = (t) => t.replace(/\u00a0/g, " ");
  const first = clean(seen.first);
  const rest = seen.rest.map(clean);
  return { first, rest, all: [first, ...rest].join("\n"), html: seen.html };
}

/** Moves the mouse onto an element (overlay widgets make playwright's own hover() refuse). */
async function mouseOver(page, locator) {
  await locator.waitFor({ state: "attached", timeout: 30000 });
  const box = await locator.boundingBox();
  if (!box) throw new Error("element has no box");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
}

/** Focuses the editor and scrolls it to the top. */
async function editorTop(page) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+1");
  await page.keyboard.press("Control+Home");
  await page.waitForTimeout(300);
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10000 });
  await input.fill(`>${title}`);
  await page.waitForTimeout(500);
  await page.keyboard.press("Enter");
}

async function main() {
  const userData = path.join(work, "user-data");
  const extensions = path.join(work, "extensions");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  const settings = {
    "files.autoSave": "off",
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": false,
    "workbench.colorTheme": "Default Dark Modern",
    "workbench.tips.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoUpdate": false,
    "extensions.autoCheckUpdates": false,
    "update.mode": "none",
    "chat.disableAIFeatures": true,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "editor.inlineSuggest.enabled": true,
    "editor.hover.delay": 200,
    "editor.stickyScroll.enabled": false,
    "editor.minimap.enabled": false,
    "csound.trace.server": "messages",
    ...JSON.parse(env.CSLSP_SETTINGS || "{}"),
  };
  // User settings only: code-server is a remote window, and the extension's settings must be honoured from
  // there (they once had machine scope, which a remote window reads from Machine/settings.json only).
  fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
  execFileSync(
    env.CODE_SERVER,
    ["--user-data-dir", userData, "--extensions-dir", extensions, "--install-extension", env.CSLSP_VSIX],
    { stdio: "inherit" },
  );
  result.steps.installed = fs.readdirSync(extensions).filter((d) => d.startsWith("csound-lsp."));

  const port = await freePort();
  const folder = path.dirname(file);
  const codeServer = spawn(
    env.CODE_SERVER,
    [
      "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
      "--disable-workspace-trust", "--user-data-dir", userData, "--extensions-dir", extensions, folder,
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const log = fs.createWriteStream(path.join(work, "code-server.log"));
  codeServer.stdout.pipe(log);
  codeServer.stderr.pipe(log);
  let browser;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000);
    browser = await chromium.launch({
      executablePath: env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    currentPage = page;
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 90000 });
    await page.waitForTimeout(3000);
    await watchNotifications(page);
    await page.screenshot({ path: path.join(work, "workbench.png") });
    if (env.CSLSP_ONLY_OPEN) result.only_open = true;

    await step("open", async () => {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout: 15000 });
      await input.fill(path.basename(file));
      const row = page.locator(".quick-input-list .monaco-list-row", { hasText: path.basename(file) }).first();
      await row.waitFor({ timeout: 30000 });
      await page.waitForTimeout(500);
      await row.click();
      await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: 30000 });
      return await page.locator(".tabs-container .tab.active").innerText();
    });

    await step("language", async () => {
      const status = page.locator("#status\\.editor\\.mode");
      await status.waitFor({ timeout: 30000 });
      return (await status.innerText()).trim();
    });

    if (env.CSLSP_NOTICES_ONLY === "1") {
      // Only what the extension says on its own after opening the file (a server that cannot start, say).
      await step("notices", async () => {
        await page.locator(".notification-toast").first().waitFor({ state: "visible", timeout: 120000 });
        await page.waitForTimeout(15000);
        await shot(page, "vscode-notices");
        const buttons = await page.locator(".notification-toast .monaco-button").allInnerTexts();
        return { texts: await seenNotifications(page), buttons: buttons.map((b) => b.trim()).filter(Boolean) };
      });
      return;
    }

    if (setupFlow) {
      await step("setup_prompt", async () => {
        // The one question, with its one button; activation probes Python first, so give it time.
        const toast = page.locator(".notification-toast", { hasText: "Set it up now?" }).first();
        await toast.waitFor({ state: "visible", timeout: 120000 });
        const text = (await toast.locator(".notification-list-item-message").innerText()).trim();
        const buttons = await toast.locator(".monaco-button").allInnerTexts();
        await shot(page, "vscode-setup-prompt");
        await toast.locator(".monaco-button", { hasText: "Set Up" }).click();
        return { text, buttons: buttons.map((b) => b.trim()).filter(Boolean) };
      });
      await step("setup_progress", async () => {
        const progress = page.locator(".notification-toast", { hasText: "setting up the language server" }).first();
        await progress.waitFor({ state: "visible", timeout: 30000 });
        await shot(page, "vscode-setup-progress");
        return (await progress.innerText()).trim();
      });
    }

    await step("highlighting", async () => {
      // TextMate tokens (and the server's semantic tokens, when they exist) give `instr` a keyword colour.
      await editorTop(page);
      const colours = await page.evaluate(() => {
        const spans = [...document.querySelectorAll(".monaco-editor .view-line span span")];
        const pick = (text) => spans.filter((s) => s.textContent === text).map((s) => getComputedStyle(s).color);
        return { instr: pick("instr")[0], oscili: pick("oscili")[0], comment: pick("0.3")[0] };
      });
      return colours;
    });

    await step("squiggle", async () => {
      const squiggle = page.locator(".monaco-editor .squiggly-error").first();
      // After a first-run set-up the server comes only once pip has installed it (a minute or more here).
      await squiggle.waitFor({ state: "attached", timeout: setupFlow ? 480000 : 90000 });
      await editorTop(page);
      const hover = page.locator(".monaco-hover-content").first();
      // Under load a late repaint can dismiss the first hover: move onto the squiggle again, up to 4 times.
      for (let attempt = 1; ; attempt++) {
        await mouseOver(page, squiggle);
        try {
          await hover.waitFor({ state: "visible", timeout: 15000 });
          break;
        } catch (error) {
          if (attempt >= 4) throw error;
          await page.mouse.move(5, 5);
          await page.waitForTimeout(500);
        }
      }
      await page.waitForTimeout(500);
      await shot(page, "vscode-diagnostic-squiggle");
      return { count: await squiggle.count(), hover: await hover.innerText() };
    });

    await step("problems", async () => {
      await page.keyboard.press("Control+Shift+M");
      const rows = page.locator(".markers-panel .monaco-list-row");
      await rows.first().waitFor({ timeout: 30000 });
      await page.waitForTimeout(500);
      await shot(page, "vscode-problems-panel");
      return await rows.allInnerTexts();
    });

    if (features.has("hover")) {
      await step("hover", async () => {
        await editorTop(page);
        const token = page.locator(".monaco-editor .view-line span span", { hasText: /^oscili$/ }).first();
        await mouseOver(page, token);
        const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover-content").first();
        await hover.waitFor({ state: "visible", timeout: 30000 });
        await page.waitForTimeout(500);
        await shot(page, "vscode-hover");
        return await hover.innerText();
      });
    } else {
      result.skipped.hover = "server does not advertise hoverProvider";
    }

    if (features.has("inline")) {
      await step("inline_completion", async () => {
        await editorTop(page);
        const token = page.locator(".monaco-editor .view-line span span", { hasText: /^oscili$/ }).first();
        await token.click({ force: true });
        await page.keyboard.press("End");
        await page.keyboard.press("Enter");
        await page.keyboard.type("aEnv linseg ", { delay: 60 });
        await page.waitForTimeout(300);
        // The document's line before any suggestion is accepted (ghost text left out).
        const before = await documentLines(page);
        // Bounded wait for ghost text with real content; an automatic request may be dropped or come back
        // empty, so ask again (editor.action.inlineSuggest.trigger, Alt+\) every 20 s.
        const deadline = Date.now() + 150000;
        let nextTrigger = Date.now() + 20000;
        let ghost = { first: "", rest: [], all: "" };
        let stable = "";
        while (Date.now() < deadline) {
          ghost = await ghostText(page);
          if (ghost.all.trim()) {
            if (ghost.all === stable) break; // the same text twice in a row: rendering has settled
            stable = ghost.all;
          } else {
            stable = "";
            if (Date.now() > nextTrigger) {
              await page.keyboard.press("Alt+Backslash");
              nextTrigger = Date.now() + 20000;
            }
          }
          await page.waitForTimeout(400);
        }
        if (!ghost.all.trim()) {
          throw new Error(`no ghost text with content in 150 s (saw ${JSON.stringify(ghost)}); line ${JSON.stringify(before)}`);
        }
        await shot(page, "vscode-inline-completion");
        await page.keyboard.press("Tab");
        await page.waitForTimeout(800);
        const after = await documentLines(page);
        await page.keyboard.press("Escape");
        return {
          suggested: ghost.first,
          suggestedLines: ghost.rest,
          ghostHtml: ghost.html,
          accepted: after.find((l) => l.includes("aEnv linseg")),
          before,
          after,
        };
      });
    } else {
      result.skipped.inline_completion = env.CSLSP_INLINE_SKIP || "server does not advertise inlineCompletionProvider";
    }

    if (features.has("explain")) {
      await step("explain", async () => {
        await editorTop(page);
        const before = await documentLines(page);
        const token = page.locator(".monaco-editor .view-line span span", { hasText: /^oscili$/ }).first();
        await token.click({ force: true });
        await runCommand(page, "Csound: Explain Selection (AI)");
        const tab = page.locator(".tabs-container .tab", { hasText: "Explain:" }).first();
        await tab.waitFor({ timeout: 180000 });
        await page.waitForTimeout(1500);
        await shot(page, "vscode-explain-panel");
        const title = await tab.innerText();
        const afterPanel = await documentLines(page);
        // The code action on the instrument's first line, chosen from the Ctrl+. menu as a user would.
        const instr = page.locator(".part.editor .monaco-editor .view-line span span", { hasText: /^instr$/ }).first();
        await instr.click({ force: true });
        await page.keyboard.press("Control+.");
        const item = page.locator(".action-widget .monaco-list-row", { hasText: /Explain/ }).first();
        await item.waitFor({ state: "visible", timeout: 30000 });
        const action = await item.innerText();
        await item.click();
        // The answer arrives as an edit (comment lines) or a message when the model had nothing to say.
        const deadline = Date.now() + 180000;
        let afterAction = afterPanel;
        while (Date.now() < deadline) {
          afterAction = await documentLines(page);
          if (afterAction.join("\n") !== afterPanel.join("\n")) break;
          const said = (await seenNotifications(page)).filter((text) => /Explain/.test(text));
          if (said.length) break;
          await page.waitForTimeout(1000);
        }
        await page.waitForTimeout(1000);
        afterAction = await documentLines(page);
        await shot(page, "vscode-explain-action");
        return { title, action, before, afterPanel, afterAction };
      });
    } else {
      result.skipped.explain = env.CSLSP_EXPLAIN_SKIP || "server does not answer csound/explain";
    }

    if (setupFlow) {
      await step("typing_quiet", async () => {
        // Typing with no AI backend anywhere: inline completion is asked for on each keystroke and must stay
        // silent (no notification), and so must everything else.
        await editorTop(page);
        const before = (await seenNotifications(page)).length;
        const token = page.locator(".monaco-editor .view-line span span", { hasText: /^oscili$/ }).first();
        await token.click({ force: true });
        await page.keyboard.press("End");
        await page.keyboard.press("Enter");
        await page.keyboard.type("aTwo oscili 0.2, 220", { delay: 80 });
        await page.waitForTimeout(1500);
        await page.keyboard.press("Enter");
        await page.keyboard.type("aThree vco2 0.1, ", { delay: 80 });
        await page.waitForTimeout(10000);
        const seen = await seenNotifications(page);
        const lines = await documentLines(page);
        return { newNotifications: seen.slice(before), typed: lines.filter((l) => /aTwo|aThree/.test(l)) };
      });
    }

    await step("server_log", async () => {
      await runCommand(page, "Csound: Show Language Server Log");
      await page.waitForTimeout(1500);
      const text = await page.locator(".part.panel .monaco-editor .view-lines").first().innerText();
      await shot(page, "vscode-server-log");
      return text.replace(/\u00a0/g, " ").slice(0, 4000);
    });

    if (setupFlow) {
      await step("reload", async () => {
        // A later activation: the environment made above is re-used, with no second question.
        await seenNotifications(page);
        await page.keyboard.press("Escape");
        await runCommand(page, "Developer: Reload Window");
        // The reload may ask about the unsaved edit; the page is replaced either way.
        await page.waitForTimeout(3000);
        await page.locator(".monaco-workbench").waitFor({ timeout: 90000 });
        await watchNotifications(page);
        const squiggle = page.locator(".monaco-editor .squiggly-error").first();
        await squiggle.waitFor({ state: "attached", timeout: 180000 });
        await page.waitForTimeout(3000);
        const seen = await seenNotifications(page);
        await shot(page, "vscode-after-reload");
        return { notifications: seen, squiggles: await squiggle.count() };
      });
      await step("update", async () => {
        // As an older extension version would have left it: the environment records another bundled wheel.
        // The next activation must refresh it under the progress notification, without asking.
        const marker = path.join(userData, "User", "globalStorage", "csound-lsp.csound-lsp", "server-env",
          "csound-lsp-extension.json");
        const old = JSON.parse(fs.readFileSync(marker, "utf8"));
        fs.writeFileSync(marker, JSON.stringify({ ...old, bundle: "an-older-wheel", version: "0.0.1" }));
        await seenNotifications(page);
        await page.keyboard.press("Escape");
        await runCommand(page, "Developer: Reload Window");
        await page.waitForTimeout(3000);
        await page.locator(".monaco-workbench").waitFor({ timeout: 90000 });
        await watchNotifications(page);
        const progress = page.locator(".notification-toast", { hasText: "setting up the language server" }).first();
        await progress.waitFor({ state: "visible", timeout: 120000 });
        const squiggle = page.locator(".monaco-editor .squiggly-error").first();
        await squiggle.waitFor({ state: "attached", timeout: 300000 });
        await page.waitForTimeout(3000);
        const seen = await seenNotifications(page);
        return { notifications: seen, squiggles: await squiggle.count(), marker: JSON.parse(fs.readFileSync(marker, "utf8")) };
      });
    }
  } finally {
    if (currentPage) await seenNotifications(currentPage);
    if (browser) await browser.close().catch(() => {});
    try {
      process.kill(-codeServer.pid, "SIGTERM");
    } catch {}
    fs.writeFileSync(env.CSLSP_RESULT, JSON.stringify(result, null, 2));
  }
}

main().catch((error) => {
  result.errors.main = String(error && error.stack ? error.stack : error);
  fs.writeFileSync(env.CSLSP_RESULT, JSON.stringify(result, null, 2));
  process.exit(1);
});
