--- csound-lsp for Neovim: filetype, language server, tree-sitter highlighting from our grammar, inline completion.
---
---   vim.opt.runtimepath:append('/path/to/csound-lsp/editors/neovim')
---   require('csound_lsp').setup({ cmd = { '/path/to/csound-lsp/.venv/bin/csound-lsp', 'serve' } })
local M = {}

local uv = vim.uv or vim.loop
local source = debug.getinfo(1, 'S').source:sub(2)
--- editors/neovim
M.plugin_dir = vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(source)))
--- grammars/tree-sitter-csound in the same checkout
M.grammar_dir = vim.fs.normalize(M.plugin_dir .. '/../../grammars/tree-sitter-csound')

--- Tree-sitter language per file suffix: whole CSDs, orchestra files, score files.
M.languages = { csd = 'csound', orc = 'csound_orc', udo = 'csound_orc', inc = 'csound_orc', sco = 'csound_sco' }
local grammar_subdir = { csound = 'csd', csound_orc = 'orc', csound_sco = 'sco' }

local function looks_like_csound(path, bufnr)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, 200, false)
  for _, line in ipairs(lines) do
    if line:match('^%s*instr[%s]') or line:match('^%s*opcode%s') or line:match('^%s*endin')
      or line:match('^%s*endop') or line:match('<Cs%a+>') then
      return true
    end
  end
  return false
end

--- `csound` filetype for .csd .orc .sco .udo; .inc only when it reads like Csound (many languages use .inc).
function M.filetypes()
  vim.filetype.add({
    extension = {
      csd = 'csound',
      orc = 'csound',
      sco = 'csound',
      udo = 'csound',
      inc = function(path, bufnr)
        if looks_like_csound(path, bufnr) then
          return 'csound'
        end
      end,
    },
  })
end

local function enabled(name)
  if vim.lsp.is_enabled then
    return vim.lsp.is_enabled(name)
  end
  return vim.lsp._enabled_configs ~= nil and vim.lsp._enabled_configs[name] ~= nil
end

--- One message when csound_lsp is enabled with a table `cmd` whose program is not executable (a path
--- set in vim.lsp.config or setup()): Neovim only logs that. The default `cmd` says so itself.
function M.check_server(bufnr)
  if not (vim.lsp.config and enabled('csound_lsp')) or vim.g.csound_lsp_missing_told then
    return
  end
  local config = vim.lsp.config.csound_lsp
  local cmd = config and config.cmd
  if type(cmd) ~= 'table' or not cmd[1] or vim.fn.executable(cmd[1]) == 1 then
    return
  end
  vim.g.csound_lsp_missing_told = true
  vim.schedule(function()
    vim.notify(('csound-lsp: %s is not executable, so no server starts for %s. Install it with '
      .. '`pipx install csound-lsp` or `uv tool install csound-lsp`, or fix cmd in '
      .. "vim.lsp.config('csound_lsp', { cmd = { '/path/to/csound-lsp', 'serve' } })"):format(cmd[1],
      vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':t')), vim.log.levels.WARN)
  end)
end

--- Runs check_server on every Csound buffer.
function M.watch_server()
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('csound_lsp_server_check', { clear = true }),
    pattern = 'csound',
    callback = function(args)
      M.check_server(args.buf)
    end,
  })
end

--- Folder that holds our compiled parsers (`parser/csound.so`...); first on 'runtimepath'.
function M.parser_dir()
  return vim.fn.stdpath('data') .. '/csound-lsp'
end

--- Compiles grammars/tree-sitter-csound/{csd,orc,sco}/src into parser/<lang>.so with the system C compiler.
--- Returns true when every parser is in place.
function M.build_parsers(opts)
  opts = opts or {}
  local grammar = opts.grammar_dir or M.grammar_dir
  local out = (opts.parser_dir or M.parser_dir()) .. '/parser'
  vim.fn.mkdir(out, 'p')
  local cc = os.getenv('CC') or 'cc'
  local ok = true
  for lang, sub in pairs(grammar_subdir) do
    local src = grammar .. '/' .. sub .. '/src'
    local target = out .. '/' .. lang .. '.so'
    local parser_c = src .. '/parser.c'
    local stat_src, stat_out = uv.fs_stat(parser_c), uv.fs_stat(target)
    if not stat_src then
      vim.notify('csound-lsp: no ' .. parser_c .. ' (grammar not generated?)', vim.log.levels.WARN)
      ok = false
    elseif opts.force or not stat_out or stat_out.mtime.sec < stat_src.mtime.sec then
      local cmd = { cc, '-shared', '-fPIC', '-O2', '-std=c11', '-I', src, parser_c }
      if uv.fs_stat(src .. '/scanner.c') then
        table.insert(cmd, src .. '/scanner.c')
      end
      vim.list_extend(cmd, { '-o', target })
      local result = vim.system(cmd, { text = true }):wait()
      if result.code ~= 0 then
        vim.notify('csound-lsp: building ' .. lang .. ' failed: ' .. result.stderr, vim.log.levels.ERROR)
        ok = false
      end
    end
  end
  return ok
end

--- Our queries: queries/<lang>/<name>.scm when the grammar has per-language folders, else queries/<name>.scm.
local function query_text(lang, name, grammar)
  for _, file in ipairs({
    grammar .. '/queries/' .. lang .. '/' .. name .. '.scm',
    grammar .. '/queries/' .. name .. '.scm',
  }) do
    local fd = io.open(file, 'r')
    if fd then
      local text = fd:read('*a')
      fd:close()
      return text
    end
  end
end

--- Registers our parsers and queries with vim.treesitter and starts highlighting on Csound buffers.
function M.treesitter(opts)
  opts = opts or {}
  local grammar = opts.grammar_dir or M.grammar_dir
  local dir = opts.parser_dir or M.parser_dir()
  if opts.build ~= false then
    M.build_parsers(opts)
  end
  local available = {}
  for lang in pairs(grammar_subdir) do
    local so = dir .. '/parser/' .. lang .. '.so'
    if uv.fs_stat(so) and pcall(vim.treesitter.language.add, lang, { path = so }) then
      available[lang] = true
      for _, name in ipairs({ 'highlights', 'locals', 'folds', 'indents', 'injections' }) do
        local text = query_text(lang, name, grammar)
        if text then
          local ok, err = pcall(vim.treesitter.query.set, lang, name, text)
          if not ok then
            vim.notify('csound-lsp: ' .. lang .. ' ' .. name .. ' query: ' .. tostring(err), vim.log.levels.WARN)
          end
        end
      end
    end
  end
  vim.treesitter.language.register('csound', 'csound')
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('csound_lsp_treesitter', { clear = true }),
    pattern = 'csound',
    callback = function(args)
      local suffix = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ':e'):lower()
      local lang = M.languages[suffix] or 'csound'
      if available[lang] then
        pcall(vim.treesitter.start, args.buf, lang)
        if opts.folds ~= false then
          vim.wo.foldexpr = 'v:lua.vim.treesitter.foldexpr()'
          vim.wo.foldmethod = 'expr'
          vim.wo.foldlevel = 99
        end
      end
    end,
  })
  return available
end

local function csound_client(buf)
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'csound_lsp' })[1]
  if not client then
    vim.notify('csound-lsp is not attached to this buffer', vim.log.levels.WARN)
  end
  return client
end

local function answer_text(result)
  if type(result) == 'string' then
    return result
  end
  if type(result) == 'table' then
    for _, key in ipairs({ 'markdown', 'value', 'text', 'code', 'explanation', 'message', 'summary' }) do
      if type(result[key]) == 'string' then
        return result[key]
      end
    end
    if result.contents then
      return answer_text(result.contents)
    end
  end
  return ''
end

--- :CsoundExplain (range), :CsoundGenerate {description}, :CsoundRender, :CsoundPlay.
function M.commands()
  vim.api.nvim_create_user_command('CsoundExplain', function(cmd)
    local buf = vim.api.nvim_get_current_buf()
    local client = csound_client(buf)
    if not client then
      return
    end
    local last = vim.api.nvim_buf_get_lines(buf, cmd.line2 - 1, cmd.line2, false)[1] or ''
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = { line = cmd.line1 - 1, character = 0 }, ['end'] = { line = cmd.line2 - 1, character = #last } },
      position = { line = cmd.line1 - 1, character = 0 },
    }
    client:request('csound/explain', params, function(err, result)
      if err then
        return vim.notify('csound-lsp explain: ' .. err.message, vim.log.levels.ERROR)
      end
      vim.lsp.util.open_floating_preview(vim.split(answer_text(result), '\n'), 'markdown',
        { border = 'rounded', max_width = 100, focus_id = 'csound_explain' })
    end, buf)
  end, { range = true, desc = 'Explain the selected Csound code (AI)' })

  vim.api.nvim_create_user_command('CsoundGenerate', function(cmd)
    local buf = vim.api.nvim_get_current_buf()
    local client = csound_client(buf)
    if not client then
      return
    end
    local row, col = unpack(vim.api.nvim_win_get_cursor(0))
    local argument = { description = cmd.args, textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = row - 1, character = col } }
    client:request('workspace/executeCommand', { command = 'csound.generate', arguments = { argument } },
      function(err, result)
        if err then
          return vim.notify('csound-lsp generate: ' .. err.message, vim.log.levels.ERROR)
        end
        local code = answer_text(result)
        if code ~= '' then
          vim.api.nvim_buf_set_lines(buf, row, row, false, vim.split(code, '\n'))
        end
      end, buf)
  end, { nargs = '+', desc = 'Generate Csound code from a description (AI)' })

  for name, play in pairs({ CsoundRender = false, CsoundPlay = true }) do
    vim.api.nvim_create_user_command(name, function()
      local buf = vim.api.nvim_get_current_buf()
      local client = csound_client(buf)
      if not client then
        return
      end
      client:request('workspace/executeCommand', { command = 'csound.render',
        arguments = { { textDocument = { uri = vim.uri_from_bufnr(buf) }, play = play } } }, function(err, result)
        if err then
          return vim.notify('csound-lsp render: ' .. err.message, vim.log.levels.ERROR)
        end
        vim.notify(answer_text(result) ~= '' and answer_text(result) or 'Render finished.')
      end, buf)
    end, { desc = play and 'Render and play with Csound' or 'Render to a WAV file with Csound' })
  end
end

--- Everything at once. opts: cmd, settings (the `csound` section), treesitter (false to skip),
--- inline_completion (default true on 0.12+), accept_key (default '<C-l>' in insert mode).
function M.setup(opts)
  opts = opts or {}
  M.filetypes()
  M.commands()
  local config = {}
  if opts.cmd then
    config.cmd = opts.cmd
  end
  if opts.settings then
    config.settings = { csound = opts.settings }
  end
  if vim.lsp.config then
    vim.lsp.config('csound_lsp', config)
    vim.lsp.enable('csound_lsp')
    M.watch_server()
  else
    vim.notify('csound-lsp: Neovim 0.11+ is needed for vim.lsp.config; see editors/neovim/README.md',
      vim.log.levels.WARN)
  end
  if opts.treesitter ~= false then
    M.treesitter(type(opts.treesitter) == 'table' and opts.treesitter or {})
  end
  if opts.inline_completion ~= false and vim.lsp.inline_completion then
    local key = opts.accept_key == nil and '<C-l>' or opts.accept_key
    vim.api.nvim_create_autocmd('LspAttach', {
      group = vim.api.nvim_create_augroup('csound_lsp_inline', { clear = true }),
      callback = function(args)
        local client = vim.lsp.get_client_by_id(args.data.client_id)
        if not (client and client.name == 'csound_lsp') then
          return
        end
        vim.lsp.inline_completion.enable(true, { bufnr = args.buf })
        if key then
          vim.keymap.set('i', key, function()
            if not vim.lsp.inline_completion.get() then
              return key
            end
          end, { buffer = args.buf, expr = true, replace_keycodes = true, desc = 'Accept csound-lsp inline completion' })
        end
      end,
    })
  end
end

return M
