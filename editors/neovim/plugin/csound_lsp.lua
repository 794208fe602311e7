-- Loaded automatically when editors/neovim is on 'runtimepath': the `csound` filetype, and one message
-- when the csound_lsp config is enabled but its `cmd` names no executable (Neovim skips it silently).
if vim.g.loaded_csound_lsp then
  return
end
vim.g.loaded_csound_lsp = true
require('csound_lsp').filetypes()
require('csound_lsp').watch_server()
