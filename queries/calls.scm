; Calls the C# extractor inspects, found by method name. @name is the method name, @type_args its
; type arguments when the call is generic, @call the whole invocation. The extractor reads the
; receiver, the arguments and the chained calls from @call. Strings and comments never match:
; only real invocations are captured.
(invocation_expression
  function: [
    (member_access_expression
      name: (generic_name (identifier) @name (type_argument_list) @type_args))
    (member_access_expression
      name: (identifier) @name)
    (generic_name (identifier) @name (type_argument_list) @type_args)
    (identifier) @name
    (conditional_access_expression
      (member_binding_expression
        name: (generic_name (identifier) @name (type_argument_list) @type_args)))
    (conditional_access_expression
      (member_binding_expression
        name: (identifier) @name))
  ]
  arguments: (argument_list)
  (#any-of? @name
    "AddMaskinportenHttpClient" "RegisterMaskinportenClientDefinition"
    "AddMaskinportenHttpMessageHandler" "ConfigureMaskinportenClient"
    "AddMaskinportenJwkTokenProvider"
    "ConfigureAppWebHost" "AddAltinnAppServices"
    "UseMaskinportenAuthorization" "UseMaskinportenAltinnAuthorization"
    "UseMaskinportenAuthorisation" "UseMaskinportenAltinnAuthorisation"
    "Configure" "AddOptions"
    "AddHttpClient" "AddSingleton" "AddTransient" "AddScoped"
    "TryAddSingleton" "TryAddTransient" "TryAddScoped"
    "GetToken" "ExchangeToAltinnToken"
    "GetAccessToken" "GetAltinnExchangedToken")) @call
