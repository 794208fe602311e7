/* External scanner for the `csound_sco` language; the logic is in common/scanner.h. */
#include "tree_sitter/parser.h"

#include "../../common/scanner.h"

void *tree_sitter_csound_sco_external_scanner_create(void) { return csound_scanner_create(); }

void tree_sitter_csound_sco_external_scanner_destroy(void *payload) { csound_scanner_destroy(payload); }

unsigned tree_sitter_csound_sco_external_scanner_serialize(void *payload, char *buffer) {
  return csound_scanner_serialize(payload, buffer);
}

void tree_sitter_csound_sco_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  csound_scanner_deserialize(payload, buffer, length);
}

bool tree_sitter_csound_sco_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  return csound_scanner_scan(payload, lexer, valid_symbols);
}
