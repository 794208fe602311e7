; Bodies of blocks are indented; their closing keywords dedent.
[
  (instrument_definition)
  (udo_definition)
  (if_statement)
  (while_loop)
  (until_loop)
  (for_loop)
  (switch_statement)
  (score_loop)
] @indent.begin

(elseif_clause "elseif" @indent.branch)
(else_clause "else" @indent.branch)
(case_clause "case" @indent.branch)
(default_clause "default" @indent.branch)

[
  "endin" "endop" "endif" "fi" "od" "enduntil" "endsw" "}"
] @indent.end @indent.branch
