-- Drives real Neovim (run: nvim --headless --clean -S nvim_check.lua) against csound-lsp and writes what it saw
-- as JSON to $CSLSP_RESULT. Inline completion needs Neovim's real main loop, hence timers, not vim.wait loops.
local env = vim.env
local result = { steps = {}, skipped = {} }
local function finish()
  local fd = assert(io.open(env.CSLSP_RESULT, 'w'))
  fd:write(vim.json.encode(result))
  fd:close()
  vim.cmd('qall!')
end
local function step(name, value)
  result.steps[name] = value
end

vim.opt.runtimepath:prepend(env.CSLSP_PLUGIN)
vim.o.swapfile = false
local csound = require('csound_lsp')
csound.setup({
  cmd = vim.json.decode(env.CSLSP_CMD),
  settings = vim.json.decode(env.CSLSP_SETTINGS or '{}'),
  treesitter = { parser_dir = env.CSLSP_PARSER_DIR },
})
vim.cmd.edit(env.CSLSP_FILE)
local buf = vim.api.nvim_get_current_buf()
step('filetype', vim.bo[buf].filetype)

local deadline = vim.uv.now() + tonumber(env.CSLSP_TIMEOUT_MS or '60000')
local function poll(check, done, interval)
  local timer = vim.uv.new_timer()
  timer:start(0, interval or 100, vim.schedule_wrap(function()
    local value = check()
    if value ~= nil or vim.uv.now() > deadline then
      timer:stop()
      timer:close()
      done(value)
    end
  end))
end

local function client()
  return vim.lsp.get_clients({ bufnr = buf, name = 'csound_lsp' })[1]
end

local function treesitter_info()
  local ok, captures = pcall(vim.treesitter.get_captures_at_pos, buf, 10, 2) -- `instr` on line 11
  local names = {}
  for _, capture in ipairs(ok and captures or {}) do
    table.insert(names, capture.capture)
  end
  local active = vim.treesitter.highlighter.active[buf] ~= nil
  step('treesitter', { active = active, captures_at_instr = names })
end

-- Explain, both ways a user asks for it: the code action (applied as Neovim applies any) and
-- :CsoundExplain (a floating window). Neither may change a line of code; the action only adds `;` lines.
local function explain(c)
  if env.CSLSP_AI ~= '1' then
    result.skipped.explain = 'no model server (CSLSP_AI unset)'
    return finish()
  end
  vim.cmd.stopinsert()
  local before = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local instr_line
  for i, line in ipairs(before) do
    if line:match('^%s*instr%s') then
      instr_line = i - 1
      break
    end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = instr_line, character = 0 }, ['end'] = { line = instr_line, character = 0 } },
    context = { diagnostics = {} },
  }
  local answer = c:request_sync('textDocument/codeAction', params, 20000, buf)
  local chosen, titles = nil, {}
  for _, action in ipairs(answer and answer.result or {}) do
    table.insert(titles, action.title)
    if not chosen and action.title:match('^Explain') then
      chosen = action
    end
  end
  if not chosen then
    step('explain', { error = 'no Explain code action', titles = titles })
    return finish()
  end
  c:request('codeAction/resolve', chosen, function(err, resolved)
    if resolved and resolved.edit then
      vim.lsp.util.apply_workspace_edit(resolved.edit, c.offset_encoding)
    end
    local after_action = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    local explained = { title = chosen.title, before = before, after_action = after_action,
      error = err and err.message or vim.NIL }
    deadline = vim.uv.now() + tonumber(env.CSLSP_EXPLAIN_TIMEOUT_MS or '240000')
    vim.cmd(string.format('%d,%dCsoundExplain', instr_line + 1, instr_line + 4))
    poll(function()
      for _, win in ipairs(vim.api.nvim_list_wins()) do
        if vim.api.nvim_win_get_config(win).relative ~= '' then
          return vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false)
        end
      end
    end, function(float)
      explained.float = float or vim.NIL
      explained.after = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
      step('explain', explained)
      finish()
    end, 500)
  end, buf)
end

local function inline_completion(c)
  if not (vim.lsp.inline_completion and c.server_capabilities.inlineCompletionProvider) then
    result.skipped.inline_completion = 'server does not advertise inlineCompletionProvider'
    return finish()
  end
  if env.CSLSP_AI ~= '1' then
    result.skipped.inline_completion = 'no model server (CSLSP_AI unset)'
    return finish()
  end
  local before = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_win_set_cursor(0, { 12, 0 })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('A<CR>aEnv linseg ', true, false, true), 'nt', false)
  poll(function()
    if vim.api.nvim_get_mode().mode ~= 'i' then
      return nil
    end
    local typed = vim.api.nvim_get_current_line()
    if vim.lsp.inline_completion.get() then
      return { typed = typed }
    end
  end, function(value)
    if value then
      value.accepted = vim.api.nvim_buf_get_lines(buf, 12, 13 + (vim.api.nvim_buf_line_count(buf) - before), false)
    end
    step('inline_completion', value or vim.NIL)
    vim.cmd.stopinsert()
    -- an accepted suggestion lands in the buffer a moment later: let it, before explain reads the lines
    vim.defer_fn(function()
      explain(c)
    end, 2000)
  end, 250)
end

local function requests(c)
  if c.server_capabilities.hoverProvider then
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 11, character = 8 } }
    local answer = c:request_sync('textDocument/hover', params, 20000, buf)
    local contents = answer and answer.result and answer.result.contents
    step('hover', contents and (contents.value or vim.inspect(contents)) or vim.NIL)
  else
    result.skipped.hover = 'server does not advertise hoverProvider'
  end
  if c.server_capabilities.completionProvider then
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 11, character = 10 } }
    local answer = c:request_sync('textDocument/completion', params, 20000, buf)
    local items = answer and answer.result and (answer.result.items or answer.result) or {}
    local labels = {}
    for i, item in ipairs(items) do
      if i > 200 then
        break
      end
      table.insert(labels, item.label)
    end
    step('completion', labels)
  else
    result.skipped.completion = 'server does not advertise completionProvider'
  end
  inline_completion(c)
end

poll(function()
  local diagnostics = vim.diagnostic.get(buf)
  if #diagnostics > 0 then
    return diagnostics
  end
end, function(diagnostics)
  local out = {}
  for _, d in ipairs(diagnostics or {}) do
    table.insert(out, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, source = d.source })
  end
  step('diagnostics', out)
  treesitter_info()
  local c = client()
  if not c then
    step('error', 'no csound_lsp client attached')
    return finish()
  end
  step('server', c.server_info or vim.NIL)
  requests(c)
end)

-- A hard stop, whatever happens.
vim.defer_fn(function()
  step('timeout', true)
  finish()
end, tonumber(env.CSLSP_HARD_TIMEOUT_MS or '150000'))
