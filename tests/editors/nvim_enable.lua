-- Drives real Neovim configured only by a documented init.lua (editors/neovim/README.md), sourced with
-- `nvim -S nvim_enable.lua file.csd` after that init and the first file. Writes what it saw as JSON to
-- $CSLSP_RESULT. CSLSP_MODE=missing: no server installed, other Csound files opened, the message read.
-- CSLSP_MODE=installed (in a terminal UI): diagnostics on the line, completion while typing, and every
-- message and Press-ENTER prompt the user would meet.
local env = vim.env
local uv = vim.uv
local result = { steps = {}, notifications = {}, shown = {}, hit_enter = 0 }
local buf = vim.api.nvim_get_current_buf()

local finished = false
local function finish()
  if finished then
    return
  end
  finished = true
  result.steps.messages = vim.api.nvim_exec2('messages', { output = true }).output
  result.steps.clients = #vim.lsp.get_clients({ name = 'csound_lsp' })
  local fd = assert(io.open(env.CSLSP_RESULT, 'w'))
  fd:write(vim.json.encode(result))
  fd:close()
  vim.cmd('qall!')
end

-- What reaches the user: vim.notify, the server's window/showMessage, and hit-enter prompts (seen from
-- a fast timer, since a prompt blocks the main loop; Enter is pressed for the user to go on).
local notify = vim.notify
vim.notify = function(message, level, opts)
  table.insert(result.notifications, { message = tostring(message), level = level or vim.NIL })
  return notify(message, level, opts)
end
local show = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, params, ctx)
  table.insert(result.shown, params and params.message or vim.NIL)
  return show(err, params, ctx)
end
local watcher = uv.new_timer()
watcher:start(20, 20, function()
  local mode = vim.api.nvim_get_mode()
  if mode.mode:sub(1, 1) == 'r' then
    result.hit_enter = result.hit_enter + 1
    vim.api.nvim_input('<CR>')
  end
end)

local deadline = uv.now() + tonumber(env.CSLSP_TIMEOUT_MS or '60000')
local function poll(check, done, interval)
  local timer = uv.new_timer()
  timer:start(0, interval or 100, vim.schedule_wrap(function()
    if timer:is_closing() then
      return
    end
    local value = check()
    if value ~= nil or uv.now() > deadline then
      timer:stop()
      timer:close()
      done(value)
    end
  end))
end
local function after(ms, fn)
  vim.defer_fn(fn, ms)
end

result.steps.filetype = vim.bo[buf].filetype

local function missing()
  local filetypes = {}
  for _, file in ipairs(vim.json.decode(env.CSLSP_FILES or '[]')) do
    vim.cmd.edit(vim.fn.fnameescape(file))
    filetypes[vim.fn.fnamemodify(file, ':t')] = vim.bo.filetype
  end
  result.steps.filetypes = filetypes
  -- scheduled messages and the enable callbacks of the files just opened run before this
  after(1500, finish)
end

local function client()
  return vim.lsp.get_clients({ bufnr = buf, name = 'csound_lsp' })[1]
end

local function typing(c)
  result.steps.completion_enabled = vim.lsp.completion ~= nil
  -- A new line in the instrument body, typed key by key; the menu should open on `osc`.
  vim.api.nvim_win_set_cursor(0, { 12, 0 })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('A<CR>kEnv linseg 0, 0.5, 1<CR>aNew osc', true, false, true),
    't', false)
  poll(function()
    if vim.fn.pumvisible() == 1 then
      local labels = {}
      for _, item in ipairs(vim.fn.complete_info({ 'items' }).items or {}) do
        table.insert(labels, item.word)
      end
      return labels
    end
  end, function(labels)
    result.steps.menu = labels or vim.NIL
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<C-e>ili 0.3, 440<CR>aMix = aNew + aSig<Esc>', true,
      false, true), 't', false)
    poll(function()
      if vim.api.nvim_get_mode().mode == 'n' then
        return vim.api.nvim_buf_get_lines(buf, 12, 15, false)
      end
    end, function(lines)
      result.steps.typed = lines or vim.NIL
      -- The server answers in order: once this is back, what typing caused has been sent.
      c:request_sync('textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(buf) },
        position = { line = 11, character = 8 } }, 20000, buf)
      after(2000, finish)
    end)
  end)
end

local function installed()
  poll(function()
    local diagnostics = vim.diagnostic.get(buf)
    if client() and #diagnostics > 0 then
      return diagnostics
    end
  end, function(diagnostics)
    local c = client()
    if not c then
      result.steps.error = 'no csound_lsp client attached'
      return finish()
    end
    result.steps.server = c.server_info or vim.NIL
    local out = {}
    for _, d in ipairs(diagnostics or {}) do
      table.insert(out, { lnum = d.lnum, severity = d.severity, message = d.message })
    end
    result.steps.diagnostics = out
    local inline = {}
    for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, -1, 0, -1, { details = true, type = 'virt_text' })) do
      local text = {}
      for _, chunk in ipairs(mark[4].virt_text or {}) do
        table.insert(text, chunk[1])
      end
      table.insert(inline, { lnum = mark[2], text = table.concat(text) })
    end
    result.steps.virtual_text = inline
    typing(c)
  end)
end

if env.CSLSP_MODE == 'missing' then
  missing()
else
  installed()
end
vim.defer_fn(function()
  result.steps.timeout = true
  finish()
end, tonumber(env.CSLSP_HARD_TIMEOUT_MS or '120000'))
