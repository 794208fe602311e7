/**
 * Csound grammar, dialect 'orc' (language `csound_orc`). The rules live in
 * ../common/define-grammar.js, shared by the csd, orc and sco dialects.
 */
module.exports = require('../common/define-grammar')('orc');
