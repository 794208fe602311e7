-- csound-lsp for Neovim 0.11+: found by `vim.lsp.enable('csound_lsp')` when this folder is on 'runtimepath'.
-- Override any field with vim.lsp.config('csound_lsp', { ... }) in your init.lua.
---@type vim.lsp.Config
return {
  cmd = { 'csound-lsp', 'serve' },
  filetypes = { 'csound' },
  root_markers = { '.git', 'pyproject.toml' },
  -- Same settings as initializationOptions and as the `csound` section of workspace/configuration.
  init_options = {},
  settings = {
    csound = {
      diagnostics = { static = true, csound = true },
      formatting = { indent = 2 },
      includePaths = {},
      -- ai = { backend = 'ollama', host = 'http://127.0.0.1:11434',
      --        models = { completion = 'qwen2.5-coder:1.5b-base', chat = 'qwen2.5-coder:7b-instruct' } },
    },
  },
  -- The server reads `csound` settings through workspace/configuration; hand it the same at start.
  before_init = function(params, config)
    params.initializationOptions = vim.tbl_deep_extend('force', config.settings and config.settings.csound or {},
      params.initializationOptions or {})
  end,
}
