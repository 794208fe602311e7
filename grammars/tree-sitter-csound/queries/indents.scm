; Bodies of blocks are indented; their closing keywords dedent.
[
  (instrument_definition)
  (udo_definition)
  (if_statement)
  (while_loop)
  (until_loop)
  (score_loop)
] @indent.begin

(elseif_clause "elseif" @indent.branch)
(else_clause "else" @indent.branch)

[
  "endin" "endop" "endif" "fi" "od" "enduntil" "}"
] @indent.end @indent.branch
