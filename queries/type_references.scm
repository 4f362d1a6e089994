; Uses of legacy and built-in type names in code: parameters, fields, properties, type arguments (such as
; `IOptions<MaskinportenSettings>`), base lists.
; The extractor classifies each by its parent node and drops declarations of the same name.
((identifier) @type_ref
  (#any-of? @type_ref
    "IMaskinportenService" "IMaskinportenTokenProvider" "IX509CertificateProvider"
    "ITokenCacheProvider" "MaskinportenSettings" "IMaskinportenClient"))
