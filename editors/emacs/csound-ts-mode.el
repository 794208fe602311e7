;;; csound-ts-mode.el --- Csound major mode on tree-sitter, with csound-lsp through Eglot -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "29.1"))
;; Keywords: languages, csound, audio

;;; Commentary:

;; A major mode for Csound (.csd .orc .sco .udo .inc) built on csound-lsp's tree-sitter grammar
;; (grammars/tree-sitter-csound: languages `csound', `csound_orc', `csound_sco'), and an Eglot
;; registration for the csound-lsp language server.
;;
;;   (add-to-list 'load-path "/path/to/csound-lsp/editors/emacs")
;;   (require 'csound-ts-mode)
;;   (setq csound-ts-mode-server-command '("/path/to/csound-lsp/.venv/bin/csound-lsp" "serve"))
;;   (add-hook 'csound-ts-mode-hook #'eglot-ensure)
;;
;; `M-x csound-ts-mode-install-grammars' compiles the three parsers (needs a C compiler).
;; Highlighting comes from the grammar's queries/highlights.scm, translated at load time into
;; `treesit-font-lock-rules' (capture names become faces); indentation follows the syntax tree.

;;; Code:

(require 'treesit)
(require 'eglot)
(require 'seq)

(defgroup csound-ts nil
  "Csound on tree-sitter with csound-lsp."
  :group 'languages
  :prefix "csound-ts-mode-")

(defcustom csound-ts-mode-indent-offset 2
  "Spaces per indentation level inside instr, opcode, if and loop bodies."
  :type 'integer)

(defconst csound-ts-mode--here
  (file-name-directory (or load-file-name buffer-file-name default-directory)))

(defcustom csound-ts-mode-grammar-dir
  (expand-file-name "../../grammars/tree-sitter-csound" csound-ts-mode--here)
  "The grammar folder of a csound-lsp checkout (holds csd/, orc/, sco/ and queries/)."
  :type 'directory)

(defcustom csound-ts-mode-server-command '("csound-lsp" "serve")
  "How Eglot starts csound-lsp."
  :type '(repeat string))

(defcustom csound-ts-mode-server-settings nil
  "The `csound' settings section sent to the server (initializationOptions and workspace/configuration).
A plist, e.g. (:diagnostics (:csound t) :ai (:backend \"openai\" :host \"http://127.0.0.1:8080\")).
In :ai, :numCtx (tokens) overrides the context window learned from the server."
  :type 'plist)

(defconst csound-ts-mode--dialects
  '((csound . "csd") (csound_orc . "orc") (csound_sco . "sco"))
  "Tree-sitter language per grammar sub-folder.")

(defun csound-ts-mode--language ()
  "The tree-sitter language for this buffer, from the file suffix."
  (pcase (downcase (or (file-name-extension (or buffer-file-name "")) ""))
    ((or "orc" "udo" "inc") 'csound_orc)
    ("sco" 'csound_sco)
    (_ 'csound)))

;;;; Building the parsers

(defun csound-ts-mode-install-grammars (&optional dir)
  "Compile the three Csound parsers into DIR (default ~/.emacs.d/tree-sitter)."
  (interactive)
  (let ((out (expand-file-name (or dir (locate-user-emacs-file "tree-sitter"))))
        (ext (if (eq system-type 'darwin) "dylib" "so")))
    (make-directory out t)
    (add-to-list 'treesit-extra-load-path out)
    (pcase-dolist (`(,lang . ,sub) csound-ts-mode--dialects)
      (let* ((src (expand-file-name (concat sub "/src") csound-ts-mode-grammar-dir))
             (target (expand-file-name (format "libtree-sitter-%s.%s" lang ext) out))
             (files (seq-filter #'file-exists-p
                                (list (expand-file-name "parser.c" src)
                                      (expand-file-name "scanner.c" src)))))
        (unless files
          (user-error "No parser.c in %s" src))
        (with-temp-buffer
          (unless (zerop (apply #'call-process (or (getenv "CC") "cc") nil t nil
                                `("-shared" "-fPIC" "-O2" "-std=c11" "-I" ,src ,@files "-o" ,target)))
            (error "Building %s failed: %s" lang (buffer-string))))))
    out))

;;;; Highlighting: our highlights.scm translated into treesit font-lock rules

(defconst csound-ts-mode--capture-faces
  '(("comment" . font-lock-comment-face)
    ("string.escape" . font-lock-escape-face)
    ("string.special" . font-lock-constant-face)
    ("string" . font-lock-string-face)
    ("number" . font-lock-number-face)
    ("float" . font-lock-number-face)
    ("boolean" . font-lock-constant-face)
    ("constant.builtin" . font-lock-builtin-face)
    ("constant.macro" . font-lock-preprocessor-face)
    ("constant" . font-lock-constant-face)
    ("keyword.directive" . font-lock-preprocessor-face)
    ("keyword.import" . font-lock-preprocessor-face)
    ("keyword.preproc" . font-lock-preprocessor-face)
    ("keyword.operator" . font-lock-operator-face)
    ("keyword" . font-lock-keyword-face)
    ("function.builtin" . font-lock-builtin-face)
    ("function.macro" . font-lock-preprocessor-face)
    ("function.call" . font-lock-function-call-face)
    ("function.method.call" . font-lock-function-call-face)
    ("function" . font-lock-function-name-face)
    ("constructor" . font-lock-function-name-face)
    ("variable.builtin" . font-lock-builtin-face)
    ("variable.parameter" . font-lock-variable-name-face)
    ("variable.member" . font-lock-property-use-face)
    ("variable" . font-lock-variable-use-face)
    ("property" . font-lock-property-use-face)
    ("type.builtin" . font-lock-builtin-face)
    ("type" . font-lock-type-face)
    ("operator" . font-lock-operator-face)
    ("punctuation.bracket" . font-lock-bracket-face)
    ("punctuation.delimiter" . font-lock-delimiter-face)
    ("punctuation.special" . font-lock-misc-punctuation-face)
    ("punctuation" . font-lock-punctuation-face)
    ("label" . font-lock-constant-face)
    ("tag.attribute" . font-lock-property-name-face)
    ("tag" . font-lock-builtin-face)
    ("attribute" . font-lock-property-name-face)
    ("module" . font-lock-type-face)
    ("namespace" . font-lock-type-face)
    ("error" . font-lock-warning-face))
  "Capture name (and its dotted sub-names) to face.")

(defconst csound-ts-mode--feature-of-face
  '((font-lock-comment-face . comment) (font-lock-string-face . string)
    (font-lock-escape-face . string) (font-lock-keyword-face . keyword)
    (font-lock-preprocessor-face . preprocessor) (font-lock-function-name-face . definition)
    (font-lock-type-face . type) (font-lock-builtin-face . builtin)
    (font-lock-constant-face . constant) (font-lock-number-face . number)
    (font-lock-function-call-face . function) (font-lock-variable-name-face . variable)
    (font-lock-variable-use-face . variable) (font-lock-property-use-face . property)
    (font-lock-property-name-face . property) (font-lock-operator-face . operator)
    (font-lock-bracket-face . bracket) (font-lock-delimiter-face . delimiter)
    (font-lock-punctuation-face . delimiter) (font-lock-misc-punctuation-face . delimiter)
    (font-lock-warning-face . error))
  "Font-lock feature per face, so `treesit-font-lock-level' works as in other ts modes.")

(defconst csound-ts-mode--feature-list
  '((comment definition)
    (keyword string preprocessor type)
    (builtin constant number function)
    (variable property operator bracket delimiter error))
  "Features by `treesit-font-lock-level'.")

(defun csound-ts-mode--face-for (capture)
  "The face for CAPTURE (\"keyword.control\"), trying shorter dotted prefixes; nil when none."
  (let ((name capture) face)
    (while (and name (not face))
      (setq face (cdr (assoc name csound-ts-mode--capture-faces)))
      (setq name (and (string-match "\\`\\(.*\\)\\.[^.]*\\'" name) (match-string 1 name))))
    face))

(defun csound-ts-mode--split-patterns (text)
  "Top-level patterns of query TEXT, each a string (comments dropped)."
  (let ((depth 0) (start nil) (i 0) (len (length text)) (patterns '()))
    (while (< i len)
      (let ((c (aref text i)))
        (cond
         ((eq c ?\;) (while (and (< i len) (not (eq (aref text i) ?\n))) (setq i (1+ i))) (setq i (1- i)))
         ((eq c ?\")
          (unless start (setq start i))
          (setq i (1+ i))
          (while (and (< i len) (not (eq (aref text i) ?\")))
            (when (eq (aref text i) ?\\) (setq i (1+ i)))
            (setq i (1+ i))))
         ((memq c '(?\( ?\[))
          (unless start (setq start i))
          (setq depth (1+ depth)))
         ((memq c '(?\) ?\]))
          (setq depth (1- depth)))
         ((and (= depth 0) start (memq c '(?\s ?\n ?\t)))
          ;; a top-level pattern ends at whitespace after its closing bracket, unless a
          ;; quantifier, capture or field continues it
          (let ((j i))
            (while (and (< j len) (memq (aref text j) '(?\s ?\n ?\t))) (setq j (1+ j)))
            (unless (and (< j len) (memq (aref text j) '(?@ ?* ?+ ??)))
              (push (substring text start i) patterns)
              (setq start nil)))))
        (setq i (1+ i))))
    (when start (push (substring text start) patterns))
    (nreverse (seq-remove (lambda (p) (string-blank-p p)) patterns))))

(defun csound-ts-mode--emacs-regexp (re)
  "Translate tree-sitter (Rust) regexp RE into an Emacs regexp, for the common subset."
  (let ((i 0) (out '()) (len (length re)) (in-class nil))
    (while (< i len)
      (let ((c (aref re i)))
        (cond
         ((and (eq c ?\\) (< (1+ i) len))
          (let ((n (aref re (1+ i))))
            (push (pcase n
                    (?d (if in-class "0-9" "[0-9]"))
                    (?s (if in-class " \t\n" "[ \t\n]"))
                    (?w (if in-class "[:alnum:]_" "[[:alnum:]_]"))
                    ((or ?\( ?\) ?| ?{ ?}) (string n))
                    (_ (string ?\\ n)))
                  out)
            (setq i (1+ i))))
         (in-class (when (eq c ?\]) (setq in-class nil)) (push (string c) out))
         ((eq c ?\[) (setq in-class t) (push "[" out)
          (when (and (< (1+ i) len) (eq (aref re (1+ i)) ?^)) (push "^" out) (setq i (1+ i)))
          (when (and (< (1+ i) len) (eq (aref re (1+ i)) ?\])) (push "]" out) (setq i (1+ i))))
         ((memq c '(?\( ?\) ?| ?{ ?}))
          (if (and (eq c ?\() (string-prefix-p "(?:" (substring re i)))
              (progn (push "\\(?:" out) (setq i (+ i 2)))
            (push (string ?\\ c) out)))
         (t (push (string c) out))))
      (setq i (1+ i)))
    (apply #'concat (nreverse out))))

(defun csound-ts-mode--translate-pattern (pattern)
  "PATTERN with capture names turned into faces and predicates into Emacs' forms.
Returns (PATTERN-STRING . FEATURE); captures without a face keep a name Emacs ignores."
  (let ((feature nil) (case-fold-search nil))
    ;; (#any-of? @x "a" "b") -> (#match "^\\(?:a\\|b\\)$" @x)
    (setq pattern
          (replace-regexp-in-string
           "(#any-of\\? +\\(@[[:alnum:]_.-]+\\)\\(\\(?: +\"[^\"]*\"\\)+\\))"
           (lambda (m)
             (let ((capture (match-string 1 m))
                   (words (mapcar (lambda (w) (regexp-quote (substring w 1 -1)))
                                  (split-string (match-string 2 m)))))
               (format "(#match \"^\\\\(?:%s\\\\)$\" %s)" (mapconcat #'identity words "\\\\|") capture)))
           pattern t t))
    ;; (#match? @x "re") / (#lua-match? ...) -> (#match "re" @x), with the regexp translated
    (setq pattern
          (replace-regexp-in-string
           "(#\\(?:lua-\\)?match\\? +\\(@[[:alnum:]_.-]+\\) +\"\\(\\(?:[^\"\\\\]\\|\\\\.\\)*\\)\")"
           (lambda (m)
             (let* ((raw (replace-regexp-in-string "\\\\\\\\" "\\\\" (match-string 2 m) t t))
                    (emacs (csound-ts-mode--emacs-regexp raw)))
               (format "(#match %s %s)" (prin1-to-string emacs) (match-string 1 m))))
           pattern t t))
    ;; (#eq? @x "y") -> (#equal @x "y"); other predicates (#set! ...) are dropped
    (setq pattern (replace-regexp-in-string "(#\\(?:eq\\|equal\\)\\? " "(#equal " pattern t t))
    (setq pattern (replace-regexp-in-string "(#\\(?:set!\\|not-[a-z-]+\\?\\|[a-z-]+!\\)[^)]*)" "" pattern t t))
    (setq pattern
          (replace-regexp-in-string
           "@\\([[:alpha:]_][[:alnum:]_.-]*\\)"
           (lambda (m)
             (let* ((name (match-string 1 m))
                    (face (csound-ts-mode--face-for name)))
               (when (and face (not feature))
                 (setq feature (alist-get face csound-ts-mode--feature-of-face)))
               (if face (format "@%s" face) (format "@csound-ts--%s" name))))
           pattern t t))
    (cons pattern (or feature 'variable))))

(defun csound-ts-mode--highlight-patterns (language)
  "Valid font-lock patterns for LANGUAGE from our highlights.scm, as (FEATURE . PATTERN-STRING)."
  (let ((file (expand-file-name "queries/highlights.scm" csound-ts-mode-grammar-dir))
        (valid '()))
    (when (file-readable-p file)
      (dolist (raw (csound-ts-mode--split-patterns
                    (with-temp-buffer (insert-file-contents file) (buffer-string))))
        (pcase-let ((`(,pattern . ,feature) (csound-ts-mode--translate-pattern raw)))
          (if (condition-case nil (progn (treesit-query-compile language pattern t) t) (error nil))
              (push (cons feature pattern) valid)
            (message "csound-ts-mode: skipped a highlights.scm pattern Emacs cannot use: %s"
                     (truncate-string-to-width raw 80))))))
    (nreverse valid)))

(defun csound-ts-mode--fallback-patterns ()
  "Minimal highlighting from the node names in NODES.md, when highlights.scm is missing."
  '((comment . "(comment) @font-lock-comment-face")
    (string . "[(string) (multiline_string)] @font-lock-string-face")
    (number . "(number) @font-lock-number-face")
    (definition . "(instrument_definition name: (_) @font-lock-function-name-face)")
    (definition . "(udo_definition name: (identifier) @font-lock-function-name-face)")
    (function . "(opcode_statement opcode: (_) @font-lock-function-call-face)")
    (function . "(call_expression function: (identifier) @font-lock-function-call-face)")
    (preprocessor . "[(define_directive) (include_directive) (undef_directive)] @font-lock-preprocessor-face")
    (keyword . "(statement_kind) @font-lock-keyword-face")
    (builtin . "(tag_name) @font-lock-builtin-face")
    (constant . "(label_statement label: (identifier) @font-lock-constant-face)")))

(defun csound-ts-mode--font-lock-settings (language)
  "The `treesit-font-lock-settings' for LANGUAGE: each pattern a rule under its feature."
  (let ((patterns (or (csound-ts-mode--highlight-patterns language)
                      (seq-filter (lambda (p) (condition-case nil
                                                  (progn (treesit-query-compile language (cdr p) t) t)
                                                (error nil)))
                                  (csound-ts-mode--fallback-patterns)))))
    (apply #'treesit-font-lock-rules
           (seq-mapcat (lambda (p) (list :language language :feature (car p) (cdr p))) patterns))))

;;;; Indentation

(defun csound-ts-mode--exactly (names)
  "A regexp matching exactly one of NAMES (`node-is' and `parent-is' match substrings)."
  (concat "\\`" (regexp-opt names) "\\'"))

(defun csound-ts-mode--indent-rules (language)
  "Indentation by block: instr/opcode bodies, if/elseif/else branches and loops."
  `((,language
     ((node-is ,(csound-ts-mode--exactly '("endin" "endop" "endif" "fi" "od" "enduntil" "else_clause" "elseif_clause"
                              "else" "elseif")))
      parent-bol 0)
     ((parent-is ,(csound-ts-mode--exactly '("instrument_definition" "udo_definition" "if_statement" "elseif_clause"
                                "else_clause" "while_loop" "until_loop" "score_loop")))
      parent-bol csound-ts-mode-indent-offset)
     ((node-is "end_tag") column-0 0)
     ((parent-is ,(csound-ts-mode--exactly '("csd_document" "synthesizer" "instruments_section" "score_section"
                                "options_section" "orchestra" "score")))
      column-0 0)
     (no-node prev-line 0)
     (catch-all prev-line 0))))

;;;; The mode

(defvar csound-ts-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?\; "<" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?/ ". 124b" table)
    (modify-syntax-entry ?* ". 23" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?$ "'" table)
    (modify-syntax-entry ?# "'" table)
    table)
  "Csound comments: ; and // to end of line, /* */ blocks.")

;;;###autoload
(define-derived-mode csound-ts-mode prog-mode "Csound"
  "Major mode for Csound on csound-lsp's tree-sitter grammar."
  :syntax-table csound-ts-mode-syntax-table
  (setq-local comment-start "; ")
  (setq-local comment-start-skip ";+\\s-*\\|//+\\s-*")
  (setq-local comment-end "")
  (setq-local indent-tabs-mode nil)
  (let ((language (csound-ts-mode--language)))
    (when (treesit-ready-p language)
      (treesit-parser-create language)
      (setq-local treesit-font-lock-settings (csound-ts-mode--font-lock-settings language))
      (setq-local treesit-font-lock-feature-list csound-ts-mode--feature-list)
      (setq-local treesit-simple-indent-rules (csound-ts-mode--indent-rules language))
      (setq-local treesit-defun-type-regexp (regexp-opt '("instrument_definition" "udo_definition")))
      (setq-local treesit-simple-imenu-settings
                  '(("Instrument" "\\`instrument_definition\\'" nil nil)
                    ("Opcode" "\\`udo_definition\\'" nil nil)))
      (treesit-major-mode-setup))))

;;;###autoload
(dolist (suffix '("csd" "orc" "sco" "udo"))
  (add-to-list 'auto-mode-alist (cons (concat "\\." suffix "\\'") 'csound-ts-mode)))
;; .inc is shared with other languages: only Csound-looking files.
;;;###autoload
(add-to-list 'magic-fallback-mode-alist
             (cons (lambda ()
                     (and buffer-file-name (string-suffix-p ".inc" buffer-file-name)
                          (save-excursion
                            (goto-char (point-min))
                            (re-search-forward "^[ \t]*\\(instr\\|opcode\\|endin\\|endop\\)\\b" 4000 t))))
                   'csound-ts-mode))

;;;; Eglot

(defun csound-ts-mode--eglot-contact (_interactive)
  "The server command for Eglot, from `csound-ts-mode-server-command'."
  (append csound-ts-mode-server-command
          (when csound-ts-mode-server-settings
            (list :initializationOptions csound-ts-mode-server-settings))))

;;;###autoload
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(csound-ts-mode . csound-ts-mode--eglot-contact)))

(defun csound-ts-mode--workspace-configuration (&rest _)
  "The `csound' section for workspace/configuration."
  (list :csound (or csound-ts-mode-server-settings '())))

;; Add a `csound' section to whatever the user already has (nil, a plist or a function).
(let ((existing (default-value 'eglot-workspace-configuration)))
  (cond
   ((functionp existing)
    (setq-default eglot-workspace-configuration
                  (lambda (server)
                    (let ((theirs (funcall existing server)))
                      (if (plist-member theirs :csound)
                          theirs
                        (append theirs (csound-ts-mode--workspace-configuration)))))))
   ((not (plist-member existing :csound))
    (setq-default eglot-workspace-configuration
                  (lambda (&rest _)
                    (append existing (csound-ts-mode--workspace-configuration)))))))

(provide 'csound-ts-mode)
;;; csound-ts-mode.el ends here
