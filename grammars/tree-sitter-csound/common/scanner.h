/*
 * External scanner shared by the three Csound grammars (csd, orc, sco).
 *
 * Everything here is static: each dialect's src/scanner.c includes this file
 * and defines the five exported tree_sitter_<name>_external_scanner_* entry
 * points, so the three parsers can live in one shared library.
 *
 * Tokens produced here:
 *   OPCODE_NAME   an identifier that is a known Csound opcode, in the position
 *                 where a statement's opcode may stand (Csound's own lexer does
 *                 the same to read `out aSig` versus `icps cpsmidi`).
 *   LABEL_NAME    `name` of a `name:` label at the start of a statement.
 *   NEWLINE       end of a statement: a line break (with any blank lines after
 *                 it) or, zero-width, the end of input. Only emitted where a
 *                 statement may end; elsewhere line breaks are whitespace.
 *   *_TAG_NAME    the name of a CSD element whose content is raw text; the
 *                 name is remembered so that RAW_TEXT stops at its end tag.
 *   RAW_TEXT      content of such an element, up to `</name>`.
 *   OUTSIDE_TEXT  free text on a line outside the CSD sections.
 *   SCORE_*_KIND  a score statement letter: `m`/`n` (NAME_KIND), `r`
 *                 (REPEAT_KIND) or one of `abBCdefiqstvxy`, followed by
 *                 anything but a letter (so `i1` is `i` then `1`).
 *   INFINITY      `z` as a p-field.
 *   IDENTIFIER    any other word that is not a keyword (keywords stay
 *                 reserved even where an identifier could stand).
 *   MULTILINE_STRING  `{{ ... }}`. Csound 7 reads `{{ a {{ b }} c }}` as one
 *                 string (nested pairs), Csound 6 ends it at the first `}}`:
 *                 the nested reading is taken where its pairs close, else the
 *                 first `}}` ends it, as Csound 6 reads it.
 *   CALL_NAME     a word directly followed by `(` where an expression may
 *                 start (not at a statement start): a call, as Csound's lexer
 *                 reads it, so `MyUdo i(kx), 1` calls MyUdo with `i(kx)`.
 *   SCORE_LOOP_NAME  the word after a score loop's count on the `{` line,
 *                 whatever its first letter (`{ 5 x`).
 *   SCORE_ILLEGAL_KIND  a word that starts a score line with a letter no
 *                 statement has (`u 1 2`): Csound's reader stops there
 *                 ("illegal opcode"), so it starts a statement of its own.
 *   END_TAG_OPEN  the `</` of a CSD end tag; like the block keywords it is
 *                 returned at any statement start.
 *   KW_*          the block keywords `instr endin opcode endop`. They are
 *                 returned wherever a statement starts, valid there or not:
 *                 `instr 2` inside an unfinished instrument is then an error
 *                 that recovery mends with a missing `endin`, instead of an
 *                 opcode statement calling `instr`.
 */
#ifndef TREE_SITTER_CSOUND_SCANNER_H_
#define TREE_SITTER_CSOUND_SCANNER_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opcode_names.h"

/* Order must match the `externals` array in common/define-grammar.js. */
enum csound_token_type {
  CSOUND_OPCODE_NAME,
  CSOUND_LABEL_NAME,
  CSOUND_NEWLINE,
  CSOUND_LICENCE_TAG_NAME,
  CSOUND_FILE_TAG_NAME,
  CSOUND_UNKNOWN_TAG_NAME,
  CSOUND_RAW_TEXT,
  CSOUND_OUTSIDE_TEXT,
  CSOUND_SCORE_KIND,
  CSOUND_SCORE_NAME_KIND,
  CSOUND_SCORE_REPEAT_KIND,
  CSOUND_SCORE_END_KIND,
  CSOUND_SCORE_TAIL,
  CSOUND_INFINITY,
  CSOUND_KW_INSTR,
  CSOUND_KW_ENDIN,
  CSOUND_KW_OPCODE,
  CSOUND_KW_ENDOP,
  CSOUND_END_TAG_OPEN,
  CSOUND_SCORE_BIN_TEXT,
  CSOUND_STRAY_TAG_NAME,
  CSOUND_IDENTIFIER,
  CSOUND_MULTILINE_STRING,
  CSOUND_CALL_NAME,
  CSOUND_SCORE_LOOP_NAME,
  CSOUND_SCORE_ILLEGAL_KIND,
  CSOUND_NEVER,
  CSOUND_ERROR_SENTINEL,
};

#define CSOUND_MAX_WORD 64
#define CSOUND_MAX_TAG 63

typedef struct {
  /* Name of the raw-content element we are inside, NUL-terminated. */
  char tag[CSOUND_MAX_TAG + 1];
} CsoundScanner;

static void *csound_scanner_create(void) {
  CsoundScanner *scanner = (CsoundScanner *)calloc(1, sizeof(CsoundScanner));
  return scanner;
}

static void csound_scanner_destroy(void *payload) { free(payload); }

static unsigned csound_scanner_serialize(void *payload, char *buffer) {
  CsoundScanner *scanner = (CsoundScanner *)payload;
  size_t length = strlen(scanner->tag);
  memcpy(buffer, scanner->tag, length);
  return (unsigned)length;
}

static void csound_scanner_deserialize(void *payload, const char *buffer,
                                       unsigned length) {
  CsoundScanner *scanner = (CsoundScanner *)payload;
  if (length > CSOUND_MAX_TAG) length = CSOUND_MAX_TAG;
  if (length > 0) memcpy(scanner->tag, buffer, length);
  scanner->tag[length] = '\0';
}

static bool csound_is_word_start(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool csound_is_letter(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool csound_is_word_char(int32_t c) {
  return csound_is_word_start(c) || (c >= '0' && c <= '9');
}

static bool csound_is_space(int32_t c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* A line break: `\n`, or `\r` (old Mac files end lines with a lone `\r`,
 * which Csound reads as a line break; `\r\n` is one break, see below). */
static bool csound_is_newline(int32_t c) { return c == '\n' || c == '\r'; }

static bool csound_is_known_opcode(const char *word) {
  size_t low = 0;
  size_t high = CSOUND_OPCODE_NAME_COUNT;
  while (low < high) {
    size_t mid = low + (high - low) / 2;
    int order = strcmp(csound_opcode_names[mid], word);
    if (order == 0) return true;
    if (order < 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return false;
}

static void csound_skip_space(TSLexer *lexer) {
  for (;;) {
    if (csound_is_space(lexer->lookahead)) {
      lexer->advance(lexer, true);
    } else {
      return;
    }
  }
}

/* Skips whitespace, line breaks and `\` line continuations (a trailing
 * `; comment` after the backslash included), setting `*saw_newline` when a
 * line break was skipped. Returns false when a lone backslash was consumed,
 * which no token of ours can start with. */
static bool csound_skip_blank_lines(TSLexer *lexer, bool *saw_newline) {
  for (;;) {
    int32_t c = lexer->lookahead;
    if (csound_is_space(c) || csound_is_newline(c)) {
      if (csound_is_newline(c)) *saw_newline = true;
      lexer->advance(lexer, true);
    } else if (c == '\\') {
      lexer->advance(lexer, true);
      while (csound_is_space(lexer->lookahead)) lexer->advance(lexer, true);
      if (lexer->lookahead == ';') {
        while (!csound_is_newline(lexer->lookahead) && !lexer->eof(lexer)) lexer->advance(lexer, true);
      }
      if (!csound_is_newline(lexer->lookahead)) return false;
    } else {
      return true;
    }
  }
}

/* After `name:` - a label when the colon ends the word run (whitespace, end of
 * line, a comment or the end of input follow). `name:type` is a typed name. */
static bool csound_colon_ends_label(TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  return c == 0 || csound_is_newline(c) || csound_is_space(c) || c == ';' || c == '/' ||
         lexer->eof(lexer);
}

/* Keywords the grammar lexes itself; never an identifier. */
static bool csound_is_reserved_word(const char *word) {
  static const char *const reserved[] = {
      "else",  "elseif", "endif",  "enduntil", "fi",   "goto",
      "if",    "igoto", "ithen",  "kgoto",  "kthen",    "od",   "struct",
      "then",  "until", "while",
  };
  for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
    if (strcmp(word, reserved[i]) == 0) return true;
  }
  return false;
}

/* Csound 7's statement keywords. Csound 6 code cannot use them as names at
 * the start of a statement (none starts with a rate letter), so there they are
 * left to the grammar's lexer; elsewhere (`timout 0, 1, continue`, a label
 * `default:`) they stay plain words, as Csound 6 reads them. */
static bool csound_is_statement_keyword(const char *word) {
  static const char *const keywords[] = {
      "break", "case", "continue", "declare", "default", "endsw", "for", "switch",
  };
  for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
    if (strcmp(word, keywords[i]) == 0) return true;
  }
  return false;
}

static bool csound_is_score_letter(int32_t c) {
  /* `c` is not in the manual, but Csound's score reader takes it (with
   * whatever follows) without a word. */
  return c > 0 && c < 128 && strchr("abBcCdefimnqrstvxyz", (int)c) != NULL;
}

/* Letters that may start a score line without an "illegal opcode": the
 * statements (`w` too, which Csound still reads) and the values `z`, `np3`,
 * `pp3` that continue the line before. */
static bool csound_is_line_start_letter(int32_t c) {
  return c > 0 && c < 128 && strchr("abBcCdefimnpqrstvwxyz", (int)c) != NULL;
}

static enum csound_token_type csound_score_letter_symbol(int32_t c) {
  if (c == 'm' || c == 'n') return CSOUND_SCORE_NAME_KIND;
  if (c == 'r') return CSOUND_SCORE_REPEAT_KIND;
  if (c == 'z') return CSOUND_INFINITY;
  if (c == 'e') return CSOUND_SCORE_END_KIND;
  return CSOUND_SCORE_KIND;
}

/* A word with macro uses glued on (`kOnTrig$NAME`, `gk$NAME`, `i$N.x`):
 * Csound expands the macro inside the word, so the whole run is one name.
 * Called with the lexer at the `$` after the first word part, whose end is
 * marked. Never an opcode or keyword; `name$N:` is still a label. */
static bool csound_scan_glued_word(TSLexer *lexer, const bool *valid_symbols) {
  while (lexer->lookahead == '$') {
    lexer->advance(lexer, false);
    if (!csound_is_word_start(lexer->lookahead)) break; /* a stray `$`: the word ends before it */
    while (csound_is_word_char(lexer->lookahead)) lexer->advance(lexer, false);
    if (lexer->lookahead == '.') lexer->advance(lexer, false); /* `$NAME.` */
    while (csound_is_word_char(lexer->lookahead)) lexer->advance(lexer, false);
    lexer->mark_end(lexer);
  }
  if (lexer->lookahead == ':' && valid_symbols[CSOUND_LABEL_NAME]) {
    lexer->advance(lexer, false);
    if (csound_colon_ends_label(lexer)) {
      lexer->result_symbol = CSOUND_LABEL_NAME;
      return true;
    }
  }
  lexer->result_symbol = CSOUND_IDENTIFIER;
  return valid_symbols[CSOUND_IDENTIFIER];
}

/* Every word goes through here: score letters, block keywords, labels,
 * opcode names and identifiers. Reserved keywords are left to the grammar's
 * lexer (which then reads them as keywords or fails), so a keyword is never
 * an identifier. `line_start`: a line break came before the word (no token
 * in between), which only this call of the scanner can see. */
static bool csound_scan_word(TSLexer *lexer, const bool *valid_symbols, bool recovering, bool line_start) {
  char word[CSOUND_MAX_WORD + 1];
  int32_t first = lexer->lookahead;
  if (!csound_is_word_start(first)) return false;
  lexer->advance(lexer, false);

  /* Csound's score reader takes the first letter of a line as the statement:
   * `endin` at the start of a line (in a .sco) is `e`, the end of the score. */
  if (!recovering && first == 'e' && valid_symbols[CSOUND_SCORE_END_KIND] &&
      csound_is_letter(lexer->lookahead) && lexer->get_column(lexer) == 1) {
    lexer->mark_end(lexer);
    lexer->result_symbol = CSOUND_SCORE_END_KIND;
    return true;
  }

  /* A score statement letter (`i1` is `i` then `1`) or `z`. */
  if (!recovering && csound_is_score_letter(first) && !csound_is_letter(lexer->lookahead) &&
      valid_symbols[csound_score_letter_symbol(first)]) {
    lexer->mark_end(lexer);
    lexer->result_symbol = csound_score_letter_symbol(first);
    return true;
  }

  /* `u 1 2` on a line of its own: a statement Csound rejects, not more values
   * of the line before. With no statement before it to continue (the start of
   * the score), any such word is one. */
  if (!recovering && valid_symbols[CSOUND_SCORE_ILLEGAL_KIND] && !csound_is_line_start_letter(first) &&
      (line_start || !valid_symbols[CSOUND_IDENTIFIER])) {
    while (csound_is_word_char(lexer->lookahead)) lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    lexer->result_symbol = CSOUND_SCORE_ILLEGAL_KIND;
    return true;
  }

  /* Csound 7's raw string `R{...}R` is the grammar's token. */
  if (first == 'R' && lexer->lookahead == '{' && !valid_symbols[CSOUND_SCORE_KIND]) return false;

  size_t length = 1;
  word[0] = (char)first;
  while (csound_is_word_char(lexer->lookahead)) {
    if (length < CSOUND_MAX_WORD) word[length] = (char)lexer->lookahead;
    length++;
    lexer->advance(lexer, false);
  }
  word[length < CSOUND_MAX_WORD ? length : CSOUND_MAX_WORD] = '\0';
  bool truncated = length > CSOUND_MAX_WORD;
  lexer->mark_end(lexer);
  if (lexer->lookahead == '$' && !recovering) return csound_scan_glued_word(lexer, valid_symbols);
  int32_t next = lexer->lookahead;

  if (!truncated && next != ':') {
    static const struct {
      const char *word;
      enum csound_token_type symbol;
    } block_keywords[] = {
        {"instr", CSOUND_KW_INSTR},
        {"endin", CSOUND_KW_ENDIN},
        {"opcode", CSOUND_KW_OPCODE},
        {"endop", CSOUND_KW_ENDOP},
    };
    for (size_t i = 0; i < sizeof(block_keywords) / sizeof(block_keywords[0]); i++) {
      if (strcmp(word, block_keywords[i].word) == 0) {
        lexer->result_symbol = block_keywords[i].symbol;
        return true;
      }
    }
  }
  if (recovering) {
    lexer->result_symbol = CSOUND_IDENTIFIER;
    return !csound_is_reserved_word(word);
  }

  /* `np4`/`pp5` among score p-fields are the grammar's np_reference. */
  if (valid_symbols[CSOUND_INFINITY] && length >= 3 && (word[0] == 'n' || word[0] == 'p') &&
      word[1] == 'p') {
    bool digits = true;
    for (size_t i = 2; i < length && i < CSOUND_MAX_WORD; i++) digits = digits && word[i] >= '0' && word[i] <= '9';
    if (digits) return false;
  }

  /* Any word but the block keywords can be a label (Csound code has labels
   * called `do`, for one). `do` is not reserved either: it is a keyword only
   * where the grammar expects one, which the grammar's lexer sees to. */
  if (next == ':' && valid_symbols[CSOUND_LABEL_NAME]) {
    lexer->advance(lexer, false);
    if (csound_colon_ends_label(lexer)) {
      lexer->result_symbol = CSOUND_LABEL_NAME;
      return true;
    }
    lexer->result_symbol = CSOUND_IDENTIFIER;
    return valid_symbols[CSOUND_IDENTIFIER] && !csound_is_reserved_word(word);
  }
  if (!truncated && csound_is_reserved_word(word)) return false;
  if (!truncated && valid_symbols[CSOUND_OPCODE_NAME] && csound_is_statement_keyword(word)) return false;

  /* `MyUdo i(kx), 1`: `i(` is a call, never the opcode of a statement whose
   * output is MyUdo. At a statement start (where a label may stand) the
   * grammar reads `print(1)` itself. */
  if (next == '(' && valid_symbols[CSOUND_CALL_NAME] && !valid_symbols[CSOUND_LABEL_NAME]) {
    lexer->result_symbol = CSOUND_CALL_NAME;
    return true;
  }

  if (valid_symbols[CSOUND_OPCODE_NAME] && !truncated && csound_is_known_opcode(word) &&
      next != '(' && next != '[' && next != '.' && next != ':') {
    /* `name(` is a call, `name[` an array, `name.x` a member, `name:` typed.
     * Peek past blanks without skipping: skipping would move the token start. */
    while (csound_is_space(lexer->lookahead)) lexer->advance(lexer, false);
    int32_t after = lexer->lookahead;
    /* `loop_lt, i1, ...`: Csound takes a comma after an opcode's name. A
     * known name followed by a comma may still be an output (`kr, ki op`):
     * the grammar lets an opcode name stand as an output for that. */
    bool is_opcode = true;
    if (after == '=') {
      lexer->advance(lexer, false);
      is_opcode = lexer->lookahead == '='; /* `name = x` assigns to the name */
    } else if (after == '+' || after == '-' || after == '*' || after == '/') {
      /* `count += 1`: Csound 7 names a variable like an opcode (`count:k`). */
      lexer->advance(lexer, false);
      is_opcode = lexer->lookahead != '=';
    }
    if (is_opcode) {
      lexer->result_symbol = CSOUND_OPCODE_NAME;
      return true;
    }
  }

  lexer->result_symbol = CSOUND_IDENTIFIER;
  return valid_symbols[CSOUND_IDENTIFIER];
}

/* ---- CSD elements ------------------------------------------------------ */

static bool csound_names_equal(const char *a, const char *b) {
  return strcmp(a, b) == 0;
}

/* Element names whose content the grammar parses itself. */
static bool csound_is_structural_tag(const char *name) {
  static const char *const names[] = {
      "CsoundSynthesizer", "CsoundSynthesiser", "CsOptions",
      "CsInstruments",     "CsOrchestra",       "CsScore",
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (csound_names_equal(name, names[i])) return true;
  }
  return false;
}

static bool csound_is_licence_tag(const char *name) {
  static const char *const names[] = {"CsLicence", "CsLicense",
                                      "CsShortLicense", "CsShortLicence"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (csound_names_equal(name, names[i])) return true;
  }
  return false;
}

static bool csound_is_file_tag(const char *name) {
  static const char *const names[] = {"CsFileB",     "CsFileC",
                                      "CsFile",      "CsSampleB",
                                      "CsMidifileB", "CsMidiFileB"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (csound_names_equal(name, names[i])) return true;
  }
  return false;
}

static bool csound_is_tag_char(int32_t c) {
  return csound_is_word_char(c) || c == '-' || c == '.' || c == ':';
}

/* Reads a tag name into `name` (at most CSOUND_MAX_TAG characters). */
static size_t csound_read_tag_name(TSLexer *lexer, char *name) {
  size_t length = 0;
  while (csound_is_tag_char(lexer->lookahead)) {
    if (length < CSOUND_MAX_TAG) name[length++] = (char)lexer->lookahead;
    lexer->advance(lexer, false);
  }
  name[length] = '\0';
  return length;
}

/* Looks ahead (past the token's marked end) for `</name` before the next
 * CSD section tag: an unknown element with no end tag there is a stray tag
 * that Csound skips, not an element swallowing the sections after it. */
static bool csound_has_end_tag(TSLexer *lexer, const char *name) {
  char other[CSOUND_MAX_TAG + 1];
  while (!lexer->eof(lexer)) {
    if (lexer->lookahead != '<') {
      lexer->advance(lexer, false);
      continue;
    }
    lexer->advance(lexer, false);
    bool closing = lexer->lookahead == '/';
    if (closing) lexer->advance(lexer, false);
    if (!csound_is_word_start(lexer->lookahead)) continue;
    csound_read_tag_name(lexer, other);
    if (closing && csound_names_equal(other, name)) return true;
    if (csound_is_structural_tag(other)) return false;
  }
  return false;
}

static bool csound_scan_tag_name(CsoundScanner *scanner, TSLexer *lexer,
                                 const bool *valid_symbols) {
  char name[CSOUND_MAX_TAG + 1];
  size_t length = 0;
  if (!csound_is_word_start(lexer->lookahead)) return false;
  while (csound_is_tag_char(lexer->lookahead)) {
    if (length < CSOUND_MAX_TAG) name[length++] = (char)lexer->lookahead;
    lexer->advance(lexer, false);
  }
  name[length] = '\0';
  if (csound_is_structural_tag(name)) return false;
  enum csound_token_type kind = CSOUND_UNKNOWN_TAG_NAME;
  if (csound_is_licence_tag(name)) {
    kind = CSOUND_LICENCE_TAG_NAME;
  } else if (csound_is_file_tag(name)) {
    kind = CSOUND_FILE_TAG_NAME;
  }
  if (kind == CSOUND_UNKNOWN_TAG_NAME && valid_symbols[CSOUND_STRAY_TAG_NAME]) {
    lexer->mark_end(lexer);
    if (!valid_symbols[kind] || !csound_has_end_tag(lexer, name)) {
      lexer->result_symbol = CSOUND_STRAY_TAG_NAME;
      return true;
    }
  }
  if (!valid_symbols[kind]) return false;
  memcpy(scanner->tag, name, length + 1);
  lexer->result_symbol = kind;
  return true;
}

/* Raw content up to (not including) `</tag`; the end tag itself is left to
 * the grammar. Stops at the end of input too. */
static bool csound_scan_raw_text(const char *tag, TSLexer *lexer,
                                 enum csound_token_type symbol) {
  bool has_content = false;
  size_t tag_length = strlen(tag);
  for (;;) {
    if (lexer->eof(lexer)) break;
    if (lexer->lookahead == '<') {
      lexer->mark_end(lexer);
      lexer->advance(lexer, false);
      if (lexer->lookahead == '/') {
        lexer->advance(lexer, false);
        size_t matched = 0;
        while (matched < tag_length &&
               lexer->lookahead == (unsigned char)tag[matched]) {
          matched++;
          lexer->advance(lexer, false);
        }
        if (matched == tag_length && !csound_is_tag_char(lexer->lookahead)) {
          lexer->result_symbol = symbol;
          return has_content;
        }
      }
      has_content = true;
      continue;
    }
    lexer->advance(lexer, false);
    has_content = true;
  }
  lexer->mark_end(lexer);
  lexer->result_symbol = symbol;
  return has_content;
}

/* Free text on one line outside the sections: up to the end of the line or
 * the next `<` that opens a tag. Comments are left to the grammar. */
static bool csound_scan_outside_text(TSLexer *lexer) {
  while (csound_is_space(lexer->lookahead) || csound_is_newline(lexer->lookahead)) {
    lexer->advance(lexer, true);
  }
  int32_t c = lexer->lookahead;
  if (lexer->eof(lexer) || csound_is_newline(c) || c == ';') return false;
  bool has_content = false;
  for (;;) {
    c = lexer->lookahead;
    if (lexer->eof(lexer) || csound_is_newline(c)) break;
    if (c == '<') {
      lexer->advance(lexer, false);
      int32_t after = lexer->lookahead;
      if (after == '/') break;
      if (csound_is_word_start(after)) {
        /* A tag only if its name ends at a blank, `>` or `/`: in
         * `Author: A. Name<name@example.org>` the `<` is text. */
        while (csound_is_tag_char(lexer->lookahead)) lexer->advance(lexer, false);
        int32_t end = lexer->lookahead;
        if (end == '>' || end == '/' || csound_is_space(end) || csound_is_newline(end) || lexer->eof(lexer)) break;
      }
      has_content = true;
      lexer->mark_end(lexer);
      continue;
    }
    if (c == '/' && !has_content) {
      lexer->advance(lexer, false);
      if (lexer->lookahead == '/' || lexer->lookahead == '*') return false;
      has_content = true;
      lexer->mark_end(lexer);
      continue;
    }
    lexer->advance(lexer, false);
    if (!csound_is_space(c)) {
      has_content = true;
      lexer->mark_end(lexer);
    }
  }
  lexer->result_symbol = CSOUND_OUTSIDE_TEXT;
  return has_content;
}

/* `{{ ... }}` with nested pairs; lookahead is at the first `{`. */
static bool csound_scan_multiline_string(TSLexer *lexer) {
  lexer->advance(lexer, false);
  if (lexer->lookahead != '{') return false;
  lexer->advance(lexer, false);
  unsigned depth = 1;
  bool closed = false;
  while (!lexer->eof(lexer)) {
    int32_t c = lexer->lookahead;
    lexer->advance(lexer, false);
    if (c == '{' && lexer->lookahead == '{') {
      lexer->advance(lexer, false);
      depth++;
    } else if (c == '}' && lexer->lookahead == '}') {
      lexer->advance(lexer, false);
      depth--;
      if (!closed) {
        /* Csound 6's end: kept unless the nested pairs close further on. */
        closed = true;
        lexer->mark_end(lexer);
      }
      if (depth == 0) {
        lexer->mark_end(lexer);
        break;
      }
    }
  }
  if (!closed) return false;
  lexer->result_symbol = CSOUND_MULTILINE_STRING;
  return true;
}

/* At a line break: consume it and any blank lines after it. */
static bool csound_scan_newline(TSLexer *lexer) {
  if (!csound_is_newline(lexer->lookahead)) return false;
  while (csound_is_newline(lexer->lookahead)) {
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    while (csound_is_space(lexer->lookahead)) lexer->advance(lexer, false);
  }
  lexer->result_symbol = CSOUND_NEWLINE;
  return true;
}

/* `</` of an end tag. Lookahead is at `<`. */
static bool csound_scan_end_tag_open(TSLexer *lexer) {
  if (lexer->lookahead != '<') return false;
  lexer->advance(lexer, false);
  if (lexer->lookahead != '/') return false;
  lexer->advance(lexer, false);
  lexer->mark_end(lexer);
  lexer->result_symbol = CSOUND_END_TAG_OPEN;
  return true;
}

/* What follows `e` on the next lines, up to `</CsScore` or the end of input,
 * when it holds more than blanks and comments: Csound never reads it. */
static bool csound_scan_score_tail(TSLexer *lexer) {
  while (csound_is_space(lexer->lookahead) || csound_is_newline(lexer->lookahead)) {
    lexer->advance(lexer, true);
  }
  if (lexer->lookahead == '<') return csound_scan_end_tag_open(lexer);
  static const char end_tag[] = "</CsScore";
  bool has_code = false;
  int32_t previous = '\n';
  while (!lexer->eof(lexer)) {
    int32_t c = lexer->lookahead;
    if (c == '<') {
      size_t matched = 0;
      while (end_tag[matched] != '\0' && lexer->lookahead == (unsigned char)end_tag[matched]) {
        matched++;
        lexer->advance(lexer, false);
      }
      if (end_tag[matched] == '\0') {
        lexer->result_symbol = CSOUND_SCORE_TAIL;
        return has_code;
      }
      has_code = true;
      lexer->mark_end(lexer);
      previous = '<';
      continue;
    }
    if (c == ';' || (c == '/' && previous != '/')) {
      bool comment = c == ';';
      lexer->advance(lexer, false);
      if (!comment && lexer->lookahead == '/') comment = true;
      if (!comment && lexer->lookahead == '*') {
        int32_t last = 0;
        lexer->advance(lexer, false);
        while (!lexer->eof(lexer) && !(last == '*' && lexer->lookahead == '/')) {
          last = lexer->lookahead;
          lexer->advance(lexer, false);
        }
        if (!lexer->eof(lexer)) lexer->advance(lexer, false);
        previous = ' ';
        continue;
      }
      if (comment) {
        while (!lexer->eof(lexer) && !csound_is_newline(lexer->lookahead)) lexer->advance(lexer, false);
        continue;
      }
      has_code = true;
      lexer->mark_end(lexer);
      previous = '/';
      continue;
    }
    previous = c;
    lexer->advance(lexer, false);
    if (!csound_is_space(c) && !csound_is_newline(c)) {
      has_code = true;
      lexer->mark_end(lexer);
    }
  }
  lexer->result_symbol = CSOUND_SCORE_TAIL;
  return has_code;
}

static bool csound_scanner_scan(void *payload, TSLexer *lexer,
                                const bool *valid_symbols) {
  CsoundScanner *scanner = (CsoundScanner *)payload;
  /* In error recovery every symbol is valid: only offer line breaks, which
   * lets recovery end the broken statement at its line. */
  if (valid_symbols[CSOUND_ERROR_SENTINEL]) {
    csound_skip_space(lexer);
    if (csound_is_newline(lexer->lookahead)) return csound_scan_newline(lexer);
    /* ...and the block keywords and end tags, so that recovery can find the
     * next instrument or section instead of reading them as names. */
    bool skipped_newline = false;
    if (!csound_skip_blank_lines(lexer, &skipped_newline)) return false;
    if (lexer->lookahead == '<') return csound_scan_end_tag_open(lexer);
    return csound_scan_word(lexer, valid_symbols, true, skipped_newline);
  }

  if (valid_symbols[CSOUND_RAW_TEXT]) {
    if (lexer->lookahead == '<') {
      /* Empty content: go straight to the end tag. */
      return csound_scan_end_tag_open(lexer);
    }
    return csound_scan_raw_text(scanner->tag, lexer, CSOUND_RAW_TEXT);
  }

  if (valid_symbols[CSOUND_SCORE_BIN_TEXT]) {
    while (csound_is_space(lexer->lookahead) || csound_is_newline(lexer->lookahead)) {
      lexer->advance(lexer, true);
    }
    if (lexer->lookahead == '<') return csound_scan_end_tag_open(lexer);
    return csound_scan_raw_text("CsScore", lexer, CSOUND_SCORE_BIN_TEXT);
  }

  if (valid_symbols[CSOUND_SCORE_TAIL] && !valid_symbols[CSOUND_NEWLINE]) {
    /* The fields of `e` on its own line come first. */
    csound_skip_space(lexer);
    if (csound_is_newline(lexer->lookahead)) return csound_scan_score_tail(lexer);
  }

  if (valid_symbols[CSOUND_LICENCE_TAG_NAME] ||
      valid_symbols[CSOUND_FILE_TAG_NAME] || valid_symbols[CSOUND_STRAY_TAG_NAME] ||
      valid_symbols[CSOUND_UNKNOWN_TAG_NAME]) {
    return csound_scan_tag_name(scanner, lexer, valid_symbols);
  }

  /* `{ 5 x`: the loop's name, on the `{` line only. */
  if (valid_symbols[CSOUND_SCORE_LOOP_NAME]) {
    csound_skip_space(lexer);
    if (csound_is_word_start(lexer->lookahead)) {
      while (csound_is_word_char(lexer->lookahead)) lexer->advance(lexer, false);
      lexer->mark_end(lexer);
      lexer->result_symbol = CSOUND_SCORE_LOOP_NAME;
      return true;
    }
  }

  bool statement_start = valid_symbols[CSOUND_OPCODE_NAME] ||
                         valid_symbols[CSOUND_LABEL_NAME] ||
                         valid_symbols[CSOUND_SCORE_KIND];
  bool wants_word = statement_start || valid_symbols[CSOUND_IDENTIFIER] ||
                    valid_symbols[CSOUND_SCORE_NAME_KIND] || valid_symbols[CSOUND_SCORE_END_KIND] ||
                    valid_symbols[CSOUND_SCORE_REPEAT_KIND] ||
                    valid_symbols[CSOUND_INFINITY] || valid_symbols[CSOUND_CALL_NAME] ||
                    valid_symbols[CSOUND_SCORE_ILLEGAL_KIND] ||
                    valid_symbols[CSOUND_END_TAG_OPEN] ||
                    valid_symbols[CSOUND_OUTSIDE_TEXT];
  bool wants_string = valid_symbols[CSOUND_MULTILINE_STRING];
  if (!wants_word && !wants_string && !valid_symbols[CSOUND_NEWLINE]) return false;

  if (valid_symbols[CSOUND_NEWLINE]) {
    csound_skip_space(lexer);
    if (lexer->eof(lexer)) {
      lexer->mark_end(lexer);
      lexer->result_symbol = CSOUND_NEWLINE;
      return true;
    }
    if (csound_is_newline(lexer->lookahead)) return csound_scan_newline(lexer);
  }

  /* Everywhere else line breaks are whitespace. */
  bool line_start = false;
  if (!csound_skip_blank_lines(lexer, &line_start)) return false;

  if (wants_string && lexer->lookahead == '{') return csound_scan_multiline_string(lexer);

  /* A section's end tag closes whatever is open: offered at every statement
   * start, valid there or not, so a missing `endin` is a local error. */
  if (lexer->lookahead == '<' && (valid_symbols[CSOUND_END_TAG_OPEN] || statement_start)) {
    return csound_scan_end_tag_open(lexer);
  }

  if (valid_symbols[CSOUND_OUTSIDE_TEXT]) return csound_scan_outside_text(lexer);

  if (valid_symbols[CSOUND_SCORE_KIND] || valid_symbols[CSOUND_SCORE_NAME_KIND] ||
      valid_symbols[CSOUND_SCORE_REPEAT_KIND] || valid_symbols[CSOUND_INFINITY] ||
      valid_symbols[CSOUND_SCORE_END_KIND] ||
      valid_symbols[CSOUND_OPCODE_NAME] || valid_symbols[CSOUND_LABEL_NAME] ||
      valid_symbols[CSOUND_IDENTIFIER] || valid_symbols[CSOUND_CALL_NAME] ||
      valid_symbols[CSOUND_SCORE_ILLEGAL_KIND]) {
    return csound_scan_word(lexer, valid_symbols, false, line_start);
  }
  return false;
}

#endif /* TREE_SITTER_CSOUND_SCANNER_H_ */
