//! Runs `check` on every scenario under fixtures/ and compares the findings with the reviewed
//! `expected-check.txt` beside it.

mod common;

use common::{assert_expected, check_json, compact, fixture_dir};

fn check_fixture(name: &str) {
    let dir = fixture_dir(name);
    let (report, exit, _) = check_json(&dir, &[]);
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
    certificate_definitions => "certificate-definitions",
    custom_client_definition => "custom-client-definition",
    guide_message_handler => "guide-message-handler",
    guide_typed_client => "guide-typed-client",
    jwk_token_provider_shim => "jwk-token-provider-shim",
    low_level_service => "low-level-service",
    named_constant_client_name => "named-constant-client-name",
    named_settings_object => "named-settings-object",
    options_only => "options-only",
    split_typeof_key => "split-typeof-key",
    switch_expression_definition => "switch-expression-definition",
    typed3_section => "typed3-section",
}
