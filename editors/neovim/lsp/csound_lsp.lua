---@brief
---
--- csound-lsp, a language server for Csound (`.csd`, `.orc`, `.sco`, `.udo`): diagnostics from its own
--- grammar and from Csound, hover, completion, signature help, formatting, code actions.
---
--- Install the server (Python 3.11+) with one of:
--- ```sh
--- pipx install csound-lsp
--- uv tool install csound-lsp
--- ```
---
--- Neovim has no `csound` filetype of its own; add one:
--- ```lua
--- vim.filetype.add({ extension = { csd = 'csound', orc = 'csound', sco = 'csound', udo = 'csound' } })
--- ```
---
--- The `csound` section of `settings` is sent as initializationOptions and answers
--- workspace/configuration; see the project's README for every key.
---
--- When `csound-lsp` is neither on PATH nor in the folder pipx and uv install to (`~/.local/bin`, often
--- missing from a GUI Neovim's PATH), no client starts and one message says how to install it.

--- Where pipx and uv put tools, for a Neovim started without them on PATH.
local function tool_dirs()
  local home = vim.uv.os_homedir() or ''
  return { vim.env.PIPX_BIN_DIR, vim.env.UV_TOOL_BIN_DIR, vim.env.XDG_BIN_HOME, home .. '/.local/bin' }
end

---@return string? the csound-lsp executable
local function find_server()
  if vim.fn.executable('csound-lsp') == 1 then
    return 'csound-lsp'
  end
  for _, dir in ipairs(tool_dirs()) do
    if dir and dir ~= '' and vim.fn.executable(dir .. '/csound-lsp') == 1 then
      return dir .. '/csound-lsp'
    end
  end
end

--- The default `cmd`: a function, so that a missing server reaches `root_dir` (which says so) instead of
--- being dropped silently as a table `cmd` naming no executable is.
---@param dispatchers vim.lsp.rpc.Dispatchers
---@param config? vim.lsp.ClientConfig
local function start_server(dispatchers, config)
  return vim.lsp.rpc.start({ find_server() or 'csound-lsp', 'serve' }, dispatchers, {
    cwd = config and config.cmd_cwd,
    env = config and config.cmd_env,
    detached = config and config.detached,
  })
end

local function tell_missing()
  if vim.g.csound_lsp_missing_told then
    return
  end
  vim.g.csound_lsp_missing_told = true
  vim.schedule(function()
    vim.notify(
      'csound-lsp is not installed (no csound-lsp on PATH): run `pipx install csound-lsp` or '
        .. "`uv tool install csound-lsp`, or set its path with vim.lsp.config('csound_lsp', "
        .. "{ cmd = { '/path/to/csound-lsp', 'serve' } })",
      vim.log.levels.WARN
    )
  end)
end

---@type vim.lsp.Config
return {
  cmd = start_server,
  filetypes = { 'csound' },
  root_markers = { '.git' },
  ---@param bufnr integer
  ---@param on_dir fun(root_dir?: string)
  root_dir = function(bufnr, on_dir)
    local config = vim.lsp.config.csound_lsp or {}
    if config.cmd == start_server and not find_server() then
      return tell_missing()
    end
    on_dir(vim.fs.root(bufnr, config.root_markers or { '.git' }))
  end,
  settings = {
    csound = {
      diagnostics = { static = true, csound = true },
      formatting = { indent = 2 },
      includePaths = {},
    },
  },
  -- The server reads the `csound` section at start (initializationOptions) and through
  -- workspace/configuration afterwards; hand it the same at start.
  before_init = function(params, config)
    params.initializationOptions = vim.tbl_deep_extend(
      'force',
      config.settings and config.settings.csound or {},
      params.initializationOptions or {}
    )
  end,
}
