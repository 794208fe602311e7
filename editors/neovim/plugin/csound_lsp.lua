-- Filetype detection for Csound: loaded automatically when editors/neovim is on 'runtimepath'.
require('csound_lsp').filetypes()
