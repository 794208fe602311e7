/**
 * Csound grammar, dialect 'csd' (language `csound`). The rules live in
 * ../common/define-grammar.js, shared by the csd, orc and sco dialects.
 */
module.exports = require('../common/define-grammar')('csd');
