; Raw sections holding another language.
((unknown_section
   (start_tag name: (tag_name) @_tag)
   (raw_text) @injection.content)
 (#match? @_tag "^(html|CsHtml5)$")
 (#set! injection.language "html"))

((unknown_section
   (start_tag name: (tag_name) @_tag)
   (raw_text) @injection.content)
 (#match? @_tag "^(bsbPanel|bsbPresets)$")
 (#set! injection.language "xml"))
