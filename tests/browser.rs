//! The HTML status report in a real browser: headless Chromium loads the page from the fleet
//! fixture with no console errors, shows one table row per project, reorders them when asked to
//! sort (the page reads `#sort=...` from its address), hides them when asked to filter, and
//! draws the chart; without its script the page still shows every row, the chart and the details. The page and a screenshot are left
//! in the test's output folder (`target/tmp/`).
//!
//! Skipped, with a message, where Chromium is not installed; `.ci/run` installs it and sets
//! `REQUIRE_CHROMIUM=1`, which turns a missing browser into a failure.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_tree, fixture_dir, init_repo, run};

/// The browser: `$CHROMIUM`, else Debian's `chromium` (or `chromium-browser`) on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(given) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(given));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
        .find(|candidate| candidate.is_file())
}

fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("REQUIRE_CHROMIUM").is_none(),
            "REQUIRE_CHROMIUM is set but no chromium was found (apt-get install chromium)"
        );
        eprintln!(
            "skipped: the HTML report's browser test needs Chromium (apt-get install chromium, or set CHROMIUM=/path/to/it)"
        );
    }
    found
}

/// Runs headless Chromium on `url` with `extra` flags; (standard output, standard error).
fn headless(browser: &Path, url: &str, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(output.status.success(), "chromium failed: {output:?}");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The page as the browser left it, after its script ran; fails on any console message.
fn dom(browser: &Path, page: &Path, fragment: &str, extra: &[&str]) -> String {
    let url = format!("file://{}#{fragment}", page.display());
    let mut flags = vec!["--dump-dom"];
    flags.extend_from_slice(extra);
    let (dom, log) = headless(browser, &url, &flags);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    assert!(!dom.contains("data-error="), "a script error: {dom}");
    dom
}

/// The value of `attribute` in each opening tag that starts with `tag`, in page order.
fn attributes(dom: &str, tag: &str, attribute: &str) -> Vec<String> {
    dom.match_indices(tag)
        .filter_map(|(at, _)| {
            let rest = &dom[at..];
            let end = rest.find('>')?;
            let open = &rest[..end];
            let start = open.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
            let value = &open[start..];
            Some(value[..value.find('"')?].to_string())
        })
        .collect()
}

#[test]
fn the_html_report_works_in_a_real_browser() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let fleet = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir("fleet"), fleet.path());
    for entry in std::fs::read_dir(fleet.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            init_repo(&path);
        }
    }
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let page = out.join("fleet-status.html");
    let written = run(
        fleet.path(),
        &[
            "status",
            "--format",
            "html",
            "--output",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(written.status.code(), Some(1), "{written:?}");
    let json = run(fleet.path(), &["status", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let projects = report["projects"].as_array().unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing to fetch (the content security policy would refuse it anyway).
    for outside in [" src=", "<link", "href=\"http", "url("] {
        assert!(!html.contains(outside), "the page refers to {outside}");
    }

    // One row per project, in the report's order, and the chart laid out bar by bar.
    let loaded = dom(&browser, &page, "selftest", &[]);
    assert!(
        loaded.contains("data-ready=\"true\""),
        "the script did not finish"
    );
    let order = attributes(&loaded, "<tbody class=\"app\"", "data-index");
    let expected: Vec<String> = (0..projects.len()).map(|i| i.to_string()).collect();
    assert_eq!(order, expected);
    assert_eq!(
        attributes(&loaded, "<output id=\"selftest\"", "data-bars"),
        ["6"]
    );
    let nonzero = attributes(&loaded, "<output id=\"selftest\"", "data-nonzero");
    assert_eq!(
        nonzero,
        ["6"],
        "every state has a project in the fleet fixture"
    );
    assert_eq!(
        attributes(&loaded, "<output id=\"selftest\"", "data-drawn"),
        nonzero,
        "a bar with projects has no width on the screen"
    );

    // Sorting by errors, most first: a new order, by the report's error counts.
    let sorted = dom(&browser, &page, "sort=-errors", &[]);
    let order: Vec<usize> = attributes(&sorted, "<tbody class=\"app\"", "data-index")
        .iter()
        .map(|i| i.parse().unwrap())
        .collect();
    let errors: Vec<u64> = order
        .iter()
        .map(|&i| projects[i]["errors"].as_u64().unwrap())
        .collect();
    assert!(errors.windows(2).all(|w| w[0] >= w[1]), "{errors:?}");
    assert_ne!(order, (0..projects.len()).collect::<Vec<_>>());
    assert_eq!(order.len(), projects.len());

    // Filtering by state hides the other rows.
    let filtered = dom(&browser, &page, "state=needs-person", &[]);
    let hidden = filtered
        .match_indices("<tbody class=\"app\"")
        .filter(|(at, _)| {
            let open = &filtered[*at..*at + filtered[*at..].find('>').unwrap()];
            open.contains(" hidden")
        })
        .count();
    let needing = projects
        .iter()
        .filter(|p| p["state"] == "needs-person")
        .count();
    assert_eq!(hidden, projects.len() - needing, "hidden rows");

    // Without JavaScript (the page with its script taken out): every row, none hidden, the
    // chart drawn in SVG, the details in <details>.
    let script = html.find("<script>").unwrap();
    let end = html.find("</script>").unwrap() + "</script>".len();
    let bare = out.join("fleet-status-without-javascript.html");
    std::fs::write(&bare, format!("{}{}", &html[..script], &html[end..])).unwrap();
    let plain = dom(&browser, &bare, "state=needs-person", &[]);
    assert!(!plain.contains("data-ready"));
    assert_eq!(
        plain.matches("<tbody class=\"app\"").count(),
        projects.len()
    );
    assert!(!plain.contains(" hidden"));
    assert_eq!(plain.matches("<rect class=\"bar ").count(), 6);
    assert_eq!(
        plain.matches("<details><summary>").count(),
        projects.len() - 1,
        "every project with findings has its details"
    );

    // Screenshots for people, in the test's output folder: sorted by state, and without
    // the script.
    for (name, shown) in [
        ("fleet-status.png", &page),
        ("fleet-status-without-javascript.png", &bare),
    ] {
        let shot = out.join(name);
        let _ = std::fs::remove_file(&shot);
        let url = format!("file://{}#sort=state", shown.display());
        let flag = format!("--screenshot={}", shot.display());
        headless(
            &browser,
            &url,
            &["--window-size=1400,1000", "--hide-scrollbars", &flag],
        );
        let png = std::fs::read(&shot).expect("the screenshot is written");
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
            "{name}"
        );
    }
    eprintln!("page and screenshots in {}", out.display());
}
