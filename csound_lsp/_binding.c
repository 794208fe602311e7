/* Exposes the three generated Csound parsers (csd, orc, sco) to py-tree-sitter as capsules. */
#include <Python.h>

typedef struct TSLanguage TSLanguage;

const TSLanguage *tree_sitter_csound(void);
const TSLanguage *tree_sitter_csound_orc(void);
const TSLanguage *tree_sitter_csound_sco(void);

static PyObject *language_capsule(const TSLanguage *language) {
    return PyCapsule_New((void *)language, "tree_sitter.Language", NULL);
}

static PyObject *language_csd(PyObject *self, PyObject *args) {
    (void)self; (void)args;
    return language_capsule(tree_sitter_csound());
}

static PyObject *language_orc(PyObject *self, PyObject *args) {
    (void)self; (void)args;
    return language_capsule(tree_sitter_csound_orc());
}

static PyObject *language_sco(PyObject *self, PyObject *args) {
    (void)self; (void)args;
    return language_capsule(tree_sitter_csound_sco());
}

static PyMethodDef methods[] = {
    {"language_csd", language_csd, METH_NOARGS, "Language of whole .csd files."},
    {"language_orc", language_orc, METH_NOARGS, "Language of bare orchestra files (.orc, .udo, .inc)."},
    {"language_sco", language_sco, METH_NOARGS, "Language of bare score files (.sco)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_binding", "Csound tree-sitter languages.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__binding(void) { return PyModule_Create(&module); }
