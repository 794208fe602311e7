/**
 * Csound grammar, dialect 'sco' (language `csound_sco`). The rules live in
 * ../common/define-grammar.js, shared by the csd, orc and sco dialects.
 */
module.exports = require('../common/define-grammar')('sco');
