//! Runs `check` on every scenario under fixtures/ and compares the findings with the reviewed
//! `expected-check.txt` beside it.

mod common;

use common::{assert_expected, check_json, compact, fixture_dir};

/// Runs the fixture with the options in its `check-args` file, if it has one (for example the
/// Key Vault names or the scopes selected in Altinn Studio).
fn check_fixture(name: &str) {
    let dir = fixture_dir(name);
    let args = std::fs::read_to_string(dir.join("check-args")).unwrap_or_default();
    let args: Vec<&str> = args.split_whitespace().collect();
    let (report, exit, _) = check_json(&dir, &args);
    assert_expected(&dir.join("expected-check.txt"), &compact(&report, exit));
}

macro_rules! fixtures {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check_fixture($dir);
            }
        )*

        /// Every folder under fixtures/ has a test above.
        #[test]
        fn every_fixture_is_tested() {
            let listed = [$($dir),*];
            for entry in std::fs::read_dir(common::repo_root().join("fixtures")).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                assert!(listed.contains(&name.as_str()), "fixtures/{name} has no test in tests/fixtures.rs");
            }
        }
    };
}

fixtures! {
    app_lib_source_tree => "app-lib-source-tree",
    appsettings_hazards => "appsettings-hazards",
    central_package_management => "central-package-management",
    certificate_definitions => "certificate-definitions",
    conflicted_project_file => "conflicted-project-file",
    custom_client_definition => "custom-client-definition",
    custom_config_path => "custom-config-path",
    default_client_override_v9 => "default-client-override-v9",
    eager_key_reads => "eager-key-reads",
    eager_options_copy => "eager-options-copy",
    fleet => "fleet",
    foreach_dictionary => "foreach-dictionary",
    gitignored_output => "gitignored-output",
    guide_message_handler => "guide-message-handler",
    guide_legacy_compatibility => "guide-legacy-compatibility",
    guide_typed_client => "guide-typed-client",
    hand_registered_token_service => "hand-registered-token-service",
    jwk_token_provider_shim => "jwk-token-provider-shim",
    keyvault_secrets => "keyvault-secrets",
    legacy_environment_and_missing_section => "legacy-environment-and-missing-section",
    lookalike_types => "lookalike-types",
    low_level_service => "low-level-service",
    manual_token_scopes => "manual-token-scopes",
    migrated_app => "migrated-app",
    mutated_shared_settings => "mutated-shared-settings",
    named_constant_client_name => "named-constant-client-name",
    named_settings_object => "named-settings-object",
    object_initializer_settings => "object-initializer-settings",
    old_app_version => "old-app-version",
    options_only => "options-only",
    platform_service => "platform-service",
    policy_v9_missing_complete => "policy-v9-missing-complete",
    policy_without_org_rule => "policy-without-org-rule",
    scopes_and_startup_order => "scopes-and-startup-order",
    section_only_in_keyvault => "section-only-in-keyvault",
    several_identities => "several-identities",
    shared_package_definition => "shared-package-definition",
    split_typeof_key => "split-typeof-key",
    strings_and_comments => "strings-and-comments",
    studio_backend => "studio-backend",
    switch_expression_definition => "switch-expression-definition",
    token_request_v9 => "token-request-v9",
    token_service_leftover => "token-service-leftover",
    trace_added_sources => "trace-added-sources",
    trace_eager_read => "trace-eager-read",
    trace_hybrid_section => "trace-hybrid-section",
    trace_keyvault_before_webhost => "trace-keyvault-before-webhost",
    trace_keyvault_guide => "trace-keyvault-guide",
    typed3_section => "typed3-section",
    unsupported_settings_lambda => "unsupported-settings-lambda",
    utf16_sources => "utf16-sources",
    v7_app_clean => "v7-app-clean",
    vendored_app_lib => "vendored-app-lib",
    v9_central_package_management => "v9-central-package-management",
    v9_custom_config_path => "v9-custom-config-path",
    v9_default_override => "v9-default-override",
    v9_keep => "v9-keep",
    v9_keep_env => "v9-keep-env",
    v9_legacy_registrations => "v9-legacy-registrations",
    windows_1252_source => "windows-1252-source",
    with_expression_settings => "with-expression-settings",
    wrapper_helpers => "wrapper-helpers",
}
