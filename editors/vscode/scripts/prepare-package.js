// Run by `vsce package` (vscode:prepublish) after tsc: puts into the extension folder what the .vsix carries
// beside the compiled client: the repository's LICENSE, and the csound-lsp wheel in bundled/, which the
// extension installs into its own Python environment on first use (src/setup.ts).
// Environment:
//   CSOUND_LSP_WHEEL=FILE.whl|FOLDER   bundle this wheel (or every csound_lsp-*.whl in FOLDER), e.g. CI's
//                                      `python -m build` output, instead of building one
//   CSOUND_LSP_BUILD_PYTHON=PYTHON     the Python that builds the wheel (default: the repository's .venv, else
//                                      python3); its version decides the wheel's cpXY tag
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const extension = path.resolve(__dirname, "..");
const root = path.resolve(extension, "..", "..");
const bundled = path.join(extension, "bundled");
const isWheel = (name) => /^csound_lsp-.+\.whl$/.test(name);

fs.copyFileSync(path.join(root, "LICENSE"), path.join(extension, "LICENSE"));

function given() {
  const source = process.env.CSOUND_LSP_WHEEL;
  if (!source) return undefined;
  const wheels = fs.statSync(source).isDirectory()
    ? fs.readdirSync(source).filter(isWheel).map((name) => path.join(source, name))
    : [source];
  if (wheels.length === 0) throw new Error(`CSOUND_LSP_WHEEL=${source}: no csound_lsp-*.whl there`);
  return wheels;
}

function python() {
  if (process.env.CSOUND_LSP_BUILD_PYTHON) return process.env.CSOUND_LSP_BUILD_PYTHON;
  const venv = path.join(root, ".venv", process.platform === "win32" ? "Scripts/python.exe" : "bin/python");
  return fs.existsSync(venv) ? venv : "python3";
}

// The repository minus what the wheel never holds, copied so the build writes nothing into the shared checkout.
const SKIP = new Set([".git", ".venv", "editors", "bench", "tests", "docs", "build", "dist", "node_modules",
  "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"]);
function copyTree(from, to) {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (source) => {
      const name = path.basename(source);
      return !SKIP.has(name) && !name.endsWith(".egg-info") && !/\.(so|pyd|pyc)$/.test(name);
    },
  });
}

function build() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "csound-lsp-wheel-"));
  try {
    const tree = path.join(work, "src");
    const out = path.join(work, "out");
    copyTree(root, tree);
    const py = python();
    // Without build isolation when the builder already has setuptools >= 77 (no download; works offline).
    let isolated = true;
    try {
      execFileSync(py, ["-c", "import setuptools, wheel, sys; sys.exit(int(setuptools.__version__.split('.')[0]) < 77)"]);
      isolated = false;
    } catch {}
    const args = ["-m", "pip", "wheel", tree, "--no-deps", "--disable-pip-version-check", "-q", "-w", out];
    if (!isolated) args.push("--no-build-isolation");
    console.log(`building the csound-lsp wheel with ${py}${isolated ? "" : " (no build isolation)"}`);
    execFileSync(py, args, { stdio: "inherit" });
    const wheels = fs.readdirSync(out).filter(isWheel).map((name) => path.join(out, name));
    return { wheels, work };
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

let work;
let wheels = given();
if (!wheels) ({ wheels, work } = build());
fs.mkdirSync(bundled, { recursive: true });
for (const name of fs.readdirSync(bundled).filter(isWheel)) fs.rmSync(path.join(bundled, name));
for (const wheel of wheels) {
  fs.copyFileSync(wheel, path.join(bundled, path.basename(wheel)));
  console.log(`bundled ${path.basename(wheel)}`);
}
if (work) fs.rmSync(work, { recursive: true, force: true });
