//! The Key Vault secret-name source: the names file reader, the configuration-key mapping, the
//! credential choice, and (with the `kv` feature) the live listing, run through the real Azure SDK
//! client against a loopback server that speaks the list-secrets protocol. No test leaves
//! 127.0.0.1.

use std::path::{Path, PathBuf};

use maskinporten_migrate::facts::keyvault::{
    CredentialChoice, KeyVaultError, KeyVaultErrorKind, SecretName, read_names_file,
};
use tempfile::TempDir;

fn names(list: &[SecretName]) -> Vec<&str> {
    list.iter().map(|secret| secret.name.as_str()).collect()
}

fn write(dir: &TempDir, file: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(file);
    std::fs::write(&path, bytes).expect("write the test file");
    path
}

fn read(bytes: &[u8]) -> Result<Vec<SecretName>, KeyVaultError> {
    let dir = TempDir::new().expect("temporary directory");
    read_names_file(&write(&dir, "names.txt", bytes))
}

fn read_err(dir: &TempDir, bytes: &[u8]) -> (PathBuf, KeyVaultError) {
    let path = write(dir, "names.txt", bytes);
    match read_names_file(&path) {
        Ok(list) => panic!("expected an error, got {:?}", names(&list)),
        Err(err) => (path, err),
    }
}

fn secret(name: &str) -> SecretName {
    SecretName {
        name: name.to_string(),
    }
}

// ---------------------------------------------------------------- names file

#[test]
fn az_json_takes_names_from_name_or_id_and_skips_disabled_and_repeats() {
    let json = r#"[
      {"attributes": {"enabled": true}, "contentType": null,
       "id": "https://myvault.vault.azure.net/secrets/MaskinportenSettings--EncodedJwk",
       "name": "MaskinportenSettings--EncodedJwk", "tags": {}},
      {"id": "https://myvault.vault.azure.net/secrets/MaskinportenSettings--ClientId/0123abcd"},
      {"id": "https://myvault.vault.azure.net/secrets/Old--Secret", "attributes": {"enabled": false}},
      {"name": "maskinportensettings--encodedjwk"},
      {"name": "Other--Setting", "value": "never-read"}
    ]"#;
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(json.as_bytes());
    let list = read(&bytes).expect("az JSON is read");
    assert_eq!(
        names(&list),
        [
            "MaskinportenSettings--EncodedJwk",
            "MaskinportenSettings--ClientId",
            "Other--Setting"
        ]
    );
}

#[test]
fn az_json_of_plain_strings_and_the_rest_shape_are_read() {
    let list = read(br#"["A--B", "C", "https://v.vault.azure.net/secrets/E/0a1b"]"#)
        .expect("a JSON array of names and ids");
    assert_eq!(names(&list), ["A--B", "C", "E"]);
    let rest = br#"{"value": [{"id": "https://v.vault.azure.net/secrets/D"}], "nextLink": null}"#;
    assert_eq!(names(&read(rest).expect("the REST shape")), ["D"]);
}

#[test]
fn plain_lines_skip_comments_blank_lines_and_crlf() {
    let text = "# secrets of the prod vault\r\n\
                MaskinportenSettings--ClientId\r\n\
                \r\n\
                \x20 Other-Secret   # kept for the old client\r\n\
                https://myvault.vault.azure.net/secrets/FromId/version1\r\n\
                MASKINPORTENSETTINGS--CLIENTID\r\n\
                Last";
    let list = read(text.as_bytes()).expect("plain lines are read");
    assert_eq!(
        names(&list),
        [
            "MaskinportenSettings--ClientId",
            "Other-Secret",
            "FromId",
            "Last"
        ]
    );
}

#[test]
fn utf16_output_of_windows_powershell_is_read() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "[{\"name\": \"A--B\"}]\r\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    assert_eq!(names(&read(&bytes).expect("UTF-16LE with BOM")), ["A--B"]);
}

#[test]
fn empty_and_comment_only_files_have_no_names() {
    assert!(read(b"").expect("empty file").is_empty());
    assert!(
        read(b"# nothing yet\n\n")
            .expect("comments only")
            .is_empty()
    );
    assert!(read(b"[]").expect("empty JSON list").is_empty());
}

#[test]
fn an_invalid_line_names_the_file_and_line_but_not_its_text() {
    let dir = TempDir::new().expect("temporary directory");
    let (path, err) = read_err(
        &dir,
        b"Good-Name\n\nMaskinportenSettings:ClientId=s3cr3t-value\n",
    );
    let message = err.to_string();
    assert_eq!(err.kind(), KeyVaultErrorKind::NamesFile);
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("':'"), "{message}");
    assert!(!message.contains("s3cr3t"), "{message}");
}

#[test]
fn a_too_long_name_is_an_error_with_its_line() {
    let dir = TempDir::new().expect("temporary directory");
    let long = format!("ok\n{}\n", "a".repeat(128));
    let (_, err) = read_err(&dir, long.as_bytes());
    assert!(err.to_string().contains("line 2: 128 characters"), "{err}");
}

#[test]
fn a_bad_json_entry_is_named_by_position_without_its_value() {
    let dir = TempDir::new().expect("temporary directory");
    let (_, err) = read_err(&dir, br#"[{"name": "ok"}, {"value": "topsecret"}]"#);
    assert_eq!(err.kind(), KeyVaultErrorKind::NamesFile);
    assert!(err.to_string().contains("entry 2"), "{err}");
    assert!(!err.to_string().contains("topsecret"), "{err}");

    let (_, err) = read_err(&dir, br#"[{"id": "https://v.vault.azure.net/keys/k"}]"#);
    assert!(
        err.to_string()
            .contains("entry 1 has an id that is not a secret id"),
        "{err}"
    );
}

#[test]
fn json_that_is_not_a_secret_list_is_an_error() {
    let dir = TempDir::new().expect("temporary directory");
    let (_, err) = read_err(&dir, br#"{"name": "one"}"#);
    assert!(err.to_string().contains("not a list of secrets"), "{err}");
    let (_, err) = read_err(&dir, b"[{\"name\": ");
    assert!(err.to_string().contains("is not valid JSON"), "{err}");
}

#[test]
fn a_file_that_cannot_be_read_is_named() {
    let path = Path::new("/nonexistent/keyvault-names.txt");
    let err = read_names_file(path).expect_err("a missing file is an error");
    assert_eq!(err.kind(), KeyVaultErrorKind::NamesFile);
    assert!(
        err.to_string().contains("/nonexistent/keyvault-names.txt"),
        "{err}"
    );
    assert!(err.to_string().contains("cannot be read"), "{err}");
}

#[test]
fn binary_files_are_refused() {
    let err = read(&[0x00, 0xC3, 0x28, 0xFF]).expect_err("not text");
    assert!(err.to_string().contains("is not UTF-8"), "{err}");
}

// ---------------------------------------------------------------- config keys

#[test]
fn config_key_maps_double_dashes_like_key_vault_secret_manager() {
    assert_eq!(
        secret("MaskinportenSettings--EncodedJwk").config_key(),
        "MaskinportenSettings:EncodedJwk"
    );
    assert_eq!(secret("A--B--C").config_key(), "A:B:C");
    assert_eq!(secret("Single-Dash").config_key(), "Single-Dash");
    // .NET's string.Replace works left to right without overlaps, so `---` is `:` then `-`.
    assert_eq!(secret("a---b").config_key(), "a:-b");
}

#[test]
fn matches_key_ignores_case() {
    let jwk = secret("MaskinportenSettings--EncodedJwk");
    assert!(jwk.matches_key("maskinportensettings:encodedjwk"));
    assert!(jwk.matches_key("MaskinportenSettings:EncodedJwk"));
    assert!(!jwk.matches_key("MaskinportenSettings--EncodedJwk"));
    assert!(!jwk.matches_key("MaskinportenSettings:Jwk"));
}

// ---------------------------------------------------------------- credential choice

#[test]
fn credential_choices_have_kebab_case_names() {
    use clap::ValueEnum;
    let expected = [
        ("auto", CredentialChoice::Auto),
        ("azure-cli", CredentialChoice::AzureCli),
        ("developer-tools", CredentialChoice::DeveloperTools),
        ("workload-identity", CredentialChoice::WorkloadIdentity),
        ("managed-identity", CredentialChoice::ManagedIdentity),
    ];
    for (name, choice) in expected {
        assert_eq!(
            CredentialChoice::from_str(name, false),
            Ok(choice),
            "{name}"
        );
    }
    assert_eq!(CredentialChoice::value_variants().len(), expected.len());
    assert_eq!(CredentialChoice::default(), CredentialChoice::Auto);
    assert_ne!(CredentialChoice::Auto.effective(), CredentialChoice::Auto);
}

#[cfg(not(feature = "kv"))]
#[test]
fn without_kv_listing_points_to_the_names_file() {
    use maskinporten_migrate::facts::keyvault::list_vault;
    let err = list_vault("https://myvault.vault.azure.net", CredentialChoice::Auto)
        .expect_err("no Key Vault support in this build");
    assert_eq!(err.kind(), KeyVaultErrorKind::Unsupported);
    assert!(
        err.to_string()
            .contains("this build has no Key Vault support; use --key-vault-secrets FILE"),
        "{err}"
    );
}

// ---------------------------------------------------------------- live listing

#[cfg(feature = "kv")]
mod live {
    //! The real `SecretClient` (pipeline, challenge-based authorization, retries, paging) with
    //! two test doubles: a static [`FakeCredential`] and a [`Loopback`] transport. The vault URL
    //! stays `https://myvault.vault.azure.net` because the SDK refuses bearer tokens over plain
    //! http; `Loopback` sends each request as HTTP/1.1 to a scripted server on 127.0.0.1 instead.
    //! It speaks HTTP itself rather than through reqwest so that proxy variables in a CI
    //! environment cannot redirect loopback traffic.

    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex, PoisonError};
    use std::thread::{self, JoinHandle};
    use std::time::{Duration, Instant};

    use async_trait::async_trait;
    use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
    use azure_core::error::ErrorKind;
    use azure_core::http::headers::{HeaderName, HeaderValue, Headers};
    use azure_core::http::{
        AsyncRawResponse, FixedRetryOptions, HttpClient, Request, RetryOptions, StatusCode,
        Transport,
    };
    use azure_core::time::{Duration as AzureDuration, OffsetDateTime};
    use azure_security_keyvault_secrets::SecretClientOptions;
    use maskinporten_migrate::facts::keyvault::{
        CredentialChoice, KeyVaultError, KeyVaultErrorKind, SecretName, list_vault, list_vault_with,
    };

    use super::names;

    const VAULT: &str = "https://myvault.vault.azure.net";
    const TOKEN: &str = "fake-token-for-tests";
    const CHALLENGE: &str = r#"Bearer authorization="https://login.microsoftonline.com/tenant", resource="https://vault.azure.net""#;
    /// How long the server waits for the next connection, and each side for the other's bytes.
    const PATIENCE: Duration = Duration::from_secs(5);

    // ------------------------------------------------------------ loopback server

    /// One scripted answer.
    struct Reply {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    }

    impl Reply {
        fn challenge() -> Reply {
            Reply {
                status: 401,
                headers: vec![("WWW-Authenticate", CHALLENGE.to_string())],
                body: String::new(),
            }
        }

        fn json(status: u16, body: &str) -> Reply {
            Reply {
                status,
                headers: vec![(
                    "Content-Type",
                    "application/json; charset=utf-8".to_string(),
                )],
                body: body.to_string(),
            }
        }

        fn error(status: u16, code: &str, message: &str, inner: &str) -> Reply {
            let body = serde_json::json!({
                "error": {"code": code, "message": message, "innererror": {"code": inner}}
            });
            Reply::json(status, &body.to_string())
        }
    }

    /// What the server saw of one request.
    #[derive(Debug, Clone)]
    struct Seen {
        method: String,
        target: String,
        authorization: Option<String>,
    }

    impl Seen {
        fn path(&self) -> &str {
            self.target.split('?').next().unwrap_or("")
        }
    }

    /// A server on 127.0.0.1 that answers one connection per scripted reply, in order, and stops
    /// when the script is used up or no connection comes within [`PATIENCE`].
    struct Server {
        port: u16,
        thread: JoinHandle<Vec<Seen>>,
    }

    impl Server {
        fn start(script: Vec<Reply>) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
            let port = listener.local_addr().expect("local address").port();
            listener.set_nonblocking(true).expect("non-blocking accept");
            let thread = thread::spawn(move || serve(&listener, script));
            Server { port, thread }
        }

        fn requests(self) -> Vec<Seen> {
            self.thread.join().expect("the server thread ends")
        }
    }

    fn serve(listener: &TcpListener, script: Vec<Reply>) -> Vec<Seen> {
        let mut seen = Vec::new();
        for reply in script {
            let Some(stream) = accept_within(listener, PATIENCE) else {
                break;
            };
            match answer(stream, &reply) {
                Ok(request) => seen.push(request),
                Err(_) => break,
            }
        }
        seen
    }

    fn accept_within(listener: &TcpListener, patience: Duration) -> Option<TcpStream> {
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => return Some(stream),
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(2));
                }
                Err(_) => return None,
            }
        }
        None
    }

    fn answer(stream: TcpStream, reply: &Reply) -> std::io::Result<Seen> {
        stream.set_nonblocking(false)?;
        stream.set_read_timeout(Some(PATIENCE))?;
        let mut reader = BufReader::new(&stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line)?;
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut authorization = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.trim().eq_ignore_ascii_case("authorization")
            {
                authorization = Some(value.trim().to_string());
            }
        }
        let mut response = format!(
            "HTTP/1.1 {} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
            reply.status,
            reply.body.len()
        );
        for (name, value) in &reply.headers {
            response.push_str(&format!("{name}: {value}\r\n"));
        }
        response.push_str("\r\n");
        response.push_str(&reply.body);
        (&stream).write_all(response.as_bytes())?;
        Ok(Seen {
            method,
            target,
            authorization,
        })
    }

    // ------------------------------------------------------------ SDK test doubles

    /// Sends each request to the loopback server, keeping the https URL the SDK built.
    #[derive(Debug)]
    struct Loopback {
        port: u16,
        urls: Arc<Mutex<Vec<String>>>,
    }

    #[async_trait]
    impl HttpClient for Loopback {
        async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
            self.urls
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(request.url().to_string());
            // Blocking I/O is fine here: the runtime has one thread and the server has its own.
            let raw = exchange(self.port, request)
                .map_err(|err| azure_core::Error::new(ErrorKind::Io, err))?;
            parse_response(&raw)
        }
    }

    fn exchange(port: u16, request: &Request) -> std::io::Result<Vec<u8>> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(PATIENCE))?;
        let host = request.url().host_str().unwrap_or("");
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n",
            request.method(),
            request.path_and_query()
        );
        for (name, value) in request.headers().iter() {
            head.push_str(&format!("{}: {}\r\n", name.as_str(), value.as_str()));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        Ok(raw)
    }

    fn parse_response(raw: &[u8]) -> azure_core::Result<AsyncRawResponse> {
        let text = String::from_utf8_lossy(raw);
        let bad = || azure_core::Error::with_message(ErrorKind::Io, "bad loopback response");
        let (head, body) = text.split_once("\r\n\r\n").ok_or_else(bad)?;
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|code| code.parse().ok())
            .ok_or_else(bad)?;
        let mut headers = Headers::new();
        for line in lines {
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(
                    HeaderName::from(name.trim().to_string()),
                    HeaderValue::from(value.trim().to_string()),
                );
            }
        }
        Ok(AsyncRawResponse::from_bytes(
            StatusCode::from(status),
            headers,
            body.as_bytes().to_vec(),
        ))
    }

    /// Hands out one fixed token (or fails like a signed-out Azure CLI) and records the scopes
    /// it was asked for.
    #[derive(Debug, Default)]
    struct FakeCredential {
        fail: bool,
        scopes: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl TokenCredential for FakeCredential {
        async fn get_token(
            &self,
            scopes: &[&str],
            _options: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            self.scopes
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend(scopes.iter().map(|scope| scope.to_string()));
            if self.fail {
                return Err(azure_core::Error::with_message(
                    ErrorKind::Credential,
                    "AzureCliCredential authentication failed. Please run 'az login' to set up an account",
                ));
            }
            Ok(AccessToken::new(
                TOKEN,
                OffsetDateTime::now_utc() + AzureDuration::hours(1),
            ))
        }
    }

    /// Client options that route through `transport` and retry twice, quickly.
    fn options_with(transport: Arc<dyn HttpClient>) -> SecretClientOptions {
        let mut options = SecretClientOptions::default();
        options.client_options.transport = Some(Transport::new(transport));
        options.client_options.retry = RetryOptions::fixed(FixedRetryOptions {
            delay: AzureDuration::milliseconds(10),
            max_retries: 2,
            max_total_elapsed: AzureDuration::seconds(5),
        });
        options
    }

    /// The outcome of one listing against a scripted server.
    struct Run {
        result: Result<Vec<SecretName>, KeyVaultError>,
        requests: Vec<Seen>,
        urls: Vec<String>,
        scopes: Vec<String>,
        elapsed: Duration,
    }

    fn run(script: Vec<Reply>, credential: FakeCredential) -> Run {
        let server = Server::start(script);
        let urls = Arc::new(Mutex::new(Vec::new()));
        let transport = Arc::new(Loopback {
            port: server.port,
            urls: urls.clone(),
        });
        let credential = Arc::new(credential);
        let started = Instant::now();
        let result = list_vault_with(VAULT, credential.clone(), options_with(transport));
        let elapsed = started.elapsed();
        let requests = server.requests();
        let urls = urls.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let scopes = credential
            .scopes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Run {
            result,
            requests,
            urls,
            scopes,
            elapsed,
        }
    }

    impl Run {
        fn error(&self) -> &KeyVaultError {
            match &self.result {
                Ok(list) => panic!("expected an error, got {:?}", names(list)),
                Err(err) => err,
            }
        }

        /// Properties every run must have, whatever the script.
        fn assert_safe(&self) {
            for request in &self.requests {
                assert_eq!(request.method, "GET", "{request:?}");
                assert_eq!(
                    request.path(),
                    "/secrets",
                    "only the list endpoint: {request:?}"
                );
            }
            for url in &self.urls {
                assert!(
                    url.starts_with("https://myvault.vault.azure.net/secrets?"),
                    "{url}"
                );
            }
            if let Err(err) = &self.result {
                assert!(!err.to_string().contains(TOKEN), "{err}");
                assert!(!err.to_string().contains("Bearer"), "{err}");
            }
            assert!(
                self.elapsed < Duration::from_secs(5),
                "took {:?}",
                self.elapsed
            );
        }
    }

    fn secret_json(name: &str, enabled: bool) -> serde_json::Value {
        serde_json::json!({
            "id": format!("https://myvault.vault.azure.net/secrets/{name}"),
            "attributes": {"enabled": enabled, "created": 1_700_000_000, "updated": 1_700_000_000},
            "tags": {}
        })
    }

    fn page(secrets: &[(&str, bool)], next_link: Option<&str>) -> Reply {
        let value: Vec<_> = secrets
            .iter()
            .map(|(name, enabled)| secret_json(name, *enabled))
            .collect();
        let body = serde_json::json!({"value": value, "nextLink": next_link});
        Reply::json(200, &body.to_string())
    }

    // ------------------------------------------------------------ tests

    #[test]
    fn lists_names_across_pages_after_the_challenge() {
        let next = "https://myvault.vault.azure.net:443/secrets?api-version=7.4&$skiptoken=page2&maxresults=2";
        let run = run(
            vec![
                Reply::challenge(),
                page(
                    &[
                        ("MaskinportenSettings--ClientId", true),
                        ("MaskinportenSettings--EncodedJwk", true),
                    ],
                    Some(next),
                ),
                page(&[("Other--Setting", true), ("Old--Secret", false)], None),
            ],
            FakeCredential::default(),
        );
        run.assert_safe();
        let list = run.result.as_ref().expect("the listing succeeds");
        assert_eq!(
            names(list),
            [
                "MaskinportenSettings--ClientId",
                "MaskinportenSettings--EncodedJwk",
                "Other--Setting"
            ]
        );
        let auth: Vec<_> = run
            .requests
            .iter()
            .map(|r| r.authorization.as_deref())
            .collect();
        let bearer = format!("Bearer {TOKEN}");
        assert_eq!(auth, [None, Some(bearer.as_str()), Some(bearer.as_str())]);
        assert!(
            run.requests[2].target.contains("skiptoken=page2"),
            "{:?}",
            run.requests[2]
        );
        assert!(
            run.requests[0].target.contains("api-version="),
            "{:?}",
            run.requests[0]
        );
        assert_eq!(run.scopes, ["https://vault.azure.net/.default"]);
    }

    #[test]
    fn forbidden_says_which_permission_is_missing() {
        let run = run(
            vec![
                Reply::challenge(),
                Reply::error(
                    403,
                    "Forbidden",
                    "The user, group or application 'appid=00000000-0000-0000-0000-000000000001;oid=00000000-0000-0000-0000-000000000002' does not have secrets list permission on key vault 'myvault;location=norwayeast'.",
                    "AccessDenied",
                ),
            ],
            FakeCredential::default(),
        );
        run.assert_safe();
        let err = run.error();
        assert_eq!(err.kind(), KeyVaultErrorKind::Forbidden);
        let message = err.to_string();
        for part in [
            VAULT,
            "HTTP 403",
            "Key Vault Reader",
            "Key Vault Secrets User",
            "List",
            "does not have secrets list permission",
        ] {
            assert!(message.contains(part), "{part:?} missing in: {message}");
        }
        assert_eq!(run.requests.len(), 2, "a 403 is not retried");
    }

    #[test]
    fn a_firewall_refusal_is_told_apart() {
        let run = run(
            vec![
                Reply::challenge(),
                Reply::error(
                    403,
                    "Forbidden",
                    "Client address is not authorized and caller is not a trusted service.",
                    "ForbiddenByFirewall",
                ),
            ],
            FakeCredential::default(),
        );
        run.assert_safe();
        assert_eq!(run.error().kind(), KeyVaultErrorKind::Forbidden);
        assert!(
            run.error().to_string().contains("firewall"),
            "{}",
            run.error()
        );
    }

    #[test]
    fn throttling_gives_up_after_bounded_retries() {
        let throttled = || {
            Reply::error(
                429,
                "Throttled",
                "Request was not processed because too many requests were received.",
                "Throttled",
            )
        };
        let run = run(
            vec![Reply::challenge(), throttled(), throttled(), throttled()],
            FakeCredential::default(),
        );
        run.assert_safe();
        let err = run.error();
        assert_eq!(err.kind(), KeyVaultErrorKind::Throttled);
        assert!(err.to_string().contains("try again later"), "{err}");
        assert_eq!(
            run.requests.len(),
            4,
            "the challenge, then 1 try and 2 retries"
        );
    }

    #[test]
    fn a_missing_vault_is_not_found() {
        let run = run(
            vec![
                Reply::challenge(),
                Reply::error(404, "NotFound", "The vault was not found.", "VaultNotFound"),
            ],
            FakeCredential::default(),
        );
        run.assert_safe();
        let err = run.error();
        assert_eq!(err.kind(), KeyVaultErrorKind::NotFound);
        assert!(err.to_string().contains("check the URL"), "{err}");
        assert!(err.to_string().contains(VAULT), "{err}");
    }

    #[test]
    fn a_rejected_token_is_unauthorized() {
        let mut rejected = Reply::error(
            401,
            "Unauthorized",
            "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/tenant/, found https://sts.windows.net/other/.",
            "InvalidIssuer",
        );
        rejected
            .headers
            .push(("WWW-Authenticate", CHALLENGE.to_string()));
        let run = run(
            vec![Reply::challenge(), rejected],
            FakeCredential::default(),
        );
        run.assert_safe();
        let err = run.error();
        assert_eq!(err.kind(), KeyVaultErrorKind::Unauthorized);
        assert!(err.to_string().contains("another tenant"), "{err}");
        assert!(err.to_string().contains("AKV10032"), "{err}");
    }

    #[test]
    fn no_token_explains_how_to_sign_in() {
        let credential = FakeCredential {
            fail: true,
            ..FakeCredential::default()
        };
        let run = run(vec![Reply::challenge()], credential);
        run.assert_safe();
        let err = run.error();
        assert_eq!(err.kind(), KeyVaultErrorKind::NoCredential);
        let message = err.to_string();
        for part in [
            "az login",
            "workload identity",
            "managed identity",
            "--azure-credential",
            "the supplied credential",
            VAULT,
        ] {
            assert!(message.contains(part), "{part:?} missing in: {message}");
        }
        assert_eq!(run.requests.len(), 1, "nothing is sent without a token");
    }

    #[test]
    fn a_challenge_for_another_resource_gets_no_token() {
        let mut challenge = Reply::challenge();
        challenge.headers = vec![(
            "WWW-Authenticate",
            r#"Bearer authorization="https://login.microsoftonline.com/tenant", resource="https://attacker.example""#.to_string(),
        )];
        let run = run(vec![challenge], FakeCredential::default());
        run.assert_safe();
        assert_eq!(run.error().kind(), KeyVaultErrorKind::Other);
        assert!(
            run.error().to_string().contains("doesn't match"),
            "{}",
            run.error()
        );
        assert!(
            run.scopes.is_empty(),
            "no token was requested: {:?}",
            run.scopes
        );
        assert_eq!(run.requests.len(), 1);
    }

    #[test]
    fn a_page_that_is_not_json_is_malformed() {
        let run = run(
            vec![
                Reply::challenge(),
                Reply::json(200, "<html>captive portal</html>"),
            ],
            FakeCredential::default(),
        );
        run.assert_safe();
        assert_eq!(run.error().kind(), KeyVaultErrorKind::MalformedResponse);
        assert!(run.error().to_string().contains(VAULT), "{}", run.error());
    }

    #[test]
    fn another_server_error_gives_the_status() {
        let run = run(
            vec![
                Reply::challenge(),
                Reply::error(
                    400,
                    "BadParameter",
                    "The request URI contains an invalid name.",
                    "BadParameter",
                ),
            ],
            FakeCredential::default(),
        );
        run.assert_safe();
        assert_eq!(run.error().kind(), KeyVaultErrorKind::Service);
        assert!(
            run.error().to_string().contains("HTTP 400"),
            "{}",
            run.error()
        );
    }

    /// A transport that fails every request the way reqwest does, counting the attempts.
    #[derive(Debug)]
    struct Failing {
        kind: ErrorKind,
        cause: &'static str,
        attempts: Arc<Mutex<usize>>,
    }

    #[async_trait]
    impl HttpClient for Failing {
        async fn execute_request(
            &self,
            _request: &Request,
        ) -> azure_core::Result<AsyncRawResponse> {
            *self.attempts.lock().unwrap_or_else(PoisonError::into_inner) += 1;
            Err(azure_core::Error::with_error(
                self.kind.clone(),
                std::io::Error::other(self.cause),
                "failed to execute `reqwest` request",
            ))
        }
    }

    fn list_through(kind: ErrorKind, cause: &'static str) -> (KeyVaultError, usize) {
        let attempts = Arc::new(Mutex::new(0));
        let transport = Arc::new(Failing {
            kind,
            cause,
            attempts: attempts.clone(),
        });
        let result = list_vault_with(
            VAULT,
            Arc::new(FakeCredential::default()),
            options_with(transport),
        );
        let attempts = *attempts.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(list) => panic!("expected an error, got {:?}", names(&list)),
            Err(err) => (err, attempts),
        }
    }

    #[test]
    fn an_unknown_host_is_not_found() {
        let (err, attempts) = list_through(
            ErrorKind::Connection,
            "client error (Connect): dns error: failed to lookup address information: Name or service not known",
        );
        assert_eq!(err.kind(), KeyVaultErrorKind::NotFound);
        assert!(err.to_string().contains("does not resolve"), "{err}");
        assert_eq!(attempts, 3, "1 try and 2 retries");
    }

    #[test]
    fn other_network_errors_carry_the_cause() {
        let (err, _) = list_through(ErrorKind::Io, "connection reset by peer");
        assert_eq!(err.kind(), KeyVaultErrorKind::Network);
        assert!(
            err.to_string().contains("connection reset by peer"),
            "{err}"
        );
        assert!(!err.to_string().contains("retry policy"), "{err}");
    }

    #[test]
    fn bad_urls_fail_before_any_sign_in() {
        for url in [
            "http://myvault.vault.azure.net",
            "myvault",
            "https://myvault.vault.azure.net/secrets/x",
        ] {
            let err = list_vault(url, CredentialChoice::AzureCli).expect_err(url);
            assert_eq!(err.kind(), KeyVaultErrorKind::InvalidUrl, "{url}: {err}");
        }
        let err = list_vault_with(
            "http://127.0.0.1:1",
            Arc::new(FakeCredential::default()),
            SecretClientOptions::default(),
        )
        .expect_err("plain http");
        assert!(err.to_string().contains("https://"), "{err}");
    }
}
