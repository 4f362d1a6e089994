; Declarations that decide whether a name belongs to the project or to a library: namespaces
; (the legacy library's own source), methods and local functions (wrappers with library names),
; types (home-made look-alikes, custom client definitions), string constants (client names,
; section paths and scopes), fields and static properties that may hold scope lists, and using
; directives.
(namespace_declaration name: (_) @namespace)
(file_scoped_namespace_declaration name: (_) @namespace)

(method_declaration name: (identifier) @method.name) @method
(local_function_statement name: (identifier) @method.name) @method

(class_declaration name: (identifier) @type.name) @type
(interface_declaration name: (identifier) @type.name) @type
(record_declaration name: (identifier) @type.name) @type
(struct_declaration name: (identifier) @type.name) @type

(variable_declarator
  name: (identifier) @constant.name
  (string_literal) @constant.value) @constant

; Fields and static properties that may hold a list of scopes or a token request.
(field_declaration (variable_declaration (variable_declarator) @field))
(property_declaration value: (_)) @property

(using_directive) @using
