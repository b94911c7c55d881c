//! The other commands: `profiles`, `config init|path`, `completions`; the generated files
//! (completions/, man/) and config.example.yaml, which must never drift from the code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use crate::support::*;

/// The repository root, where completions/, man/ and config.example.yaml live.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// ---------------------------------------------------------------------------------------------
// profiles

#[test]
fn profiles_lists_sources_and_never_a_secret() {
    let world = World::standard();
    // One profile with everything inline, a security token included, and one whose variable
    // is unset: neither may show a secret.
    let inline = format!(
        "  inline:\n    provider: huaweicloud\n    region: cn-north-4\n    access_key: {HW_KEY}\n    secret_key: {HW_SECRET}\n    security_token: InlineSecurityTokenValue0123456789\n"
    );
    let config = world.standard_config(&format!(
        "{inline}  broken:\n    provider: otc\n    region: eu-de\n    access_key: {OTC_KEY}\n    secret_key: ${{NOT_SET_ANYWHERE}}\n"
    ));
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .arg("profiles")
        .output()
        .unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    let everything = format!("{out}{}", stderr(&output));
    for secret in SECRETS
        .iter()
        .chain(&["InlineSecurityTokenValue0123456789"])
    {
        assert!(
            !everything.contains(secret),
            "leaked {secret}: {everything}"
        );
    }
    for key in [ALI_KEY, HW_KEY, OTC_KEY] {
        assert!(!out.contains(key), "an unmasked key id {key}: {out}");
    }
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} line: {out}"))
            .to_string()
    };
    let ali = line("ali");
    assert!(
        ali.contains("alibaba") && ali.contains("cn-shanghai"),
        "{ali}"
    );
    assert!(ali.contains("LTAI****Id01"), "masked key id: {ali}");
    assert!(
        ali.contains("access_key_id=inline") && ali.contains("access_key_secret=$ALI_SECRET"),
        "{ali}"
    );
    assert!(line("hw").contains("vpc,vpn,vpcep"));
    let inline = line("inline");
    assert!(
        inline.contains("secret_key=inline") && inline.contains("security_token=inline"),
        "{inline}"
    );
    let broken = line("broken");
    assert!(
        broken.contains("unusable") && broken.contains("NOT_SET_ANYWHERE"),
        "{broken}"
    );
    assert!(out.contains("5 profiles from"), "{out}");
    assert!(world.fake.requests().is_empty(), "profiles sends nothing");
}

// ---------------------------------------------------------------------------------------------
// config init / config path

fn default_config(world: &World) -> PathBuf {
    world
        .dir
        .path()
        .join(".config")
        .join("headroom")
        .join("config.yaml")
}

#[test]
fn config_init_writes_a_private_starter_and_refuses_to_overwrite() {
    let world = World::standard();
    let path = default_config(&world);
    let output = world.headroom().args(["config", "init"]).output().unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("wrote {}\n", path.display()));
    let example = std::fs::read_to_string(repo().join("config.example.yaml")).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), example);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);

    // A second init must not touch the user's edits.
    std::fs::write(&path, "# my edits\n").unwrap();
    let output = world.headroom().args(["config", "init"]).output().unwrap();
    assert_eq!(code(&output), 3);
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# my edits\n");

    // --force overwrites, and makes the file private even when it was not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let output = world
        .headroom()
        .args(["config", "init", "--force"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), example);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn config_init_honours_config_and_headroom_config() {
    let world = World::standard();
    let named = world.dir.path().join("a").join("named.yaml");
    let output = world
        .headroom()
        .args(["config", "init", "--config"])
        .arg(&named)
        .output()
        .unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(named.exists());
    let from_env = world.dir.path().join("env.yaml");
    let output = world
        .headroom()
        .env("HEADROOM_CONFIG", &from_env)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0);
    assert!(from_env.exists());
    assert!(
        !default_config(&world).exists(),
        "the default was left alone"
    );
}

#[test]
fn config_path_follows_the_lookup_order() {
    let world = World::standard();
    let path_of = |cmd: &mut assert_cmd::Command| {
        let output = cmd.args(["config", "path"]).output().unwrap();
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        stdout(&output)
    };
    let default = default_config(&world);
    let output = world.headroom().args(["config", "path"]).output().unwrap();
    assert_eq!(stdout(&output), format!("{}\n", default.display()));
    assert!(
        stderr(&output).contains("does not exist yet"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        path_of(
            world
                .headroom()
                .env("HEADROOM_CONFIG", "/etc/headroom/env.yaml")
        ),
        "/etc/headroom/env.yaml\n"
    );
    assert_eq!(
        path_of(
            world
                .headroom()
                .env("HEADROOM_CONFIG", "/etc/headroom/env.yaml")
                .args(["--config", "/srv/flag.yaml"])
        ),
        "/srv/flag.yaml\n",
        "--config beats $HEADROOM_CONFIG"
    );
    // The global flag may also follow the subcommand.
    let output = world
        .headroom()
        .args(["config", "path", "--config", "/srv/after.yaml"])
        .output()
        .unwrap();
    assert_eq!(stdout(&output), "/srv/after.yaml\n");
}

// ---------------------------------------------------------------------------------------------
// Generated files: completions/ and man/

/// Every shell `headroom completions` knows, and its file in completions/.
const COMPLETIONS: [(Shell, &str, &str); 5] = [
    (Shell::Bash, "bash", "headroom.bash"),
    (Shell::Zsh, "zsh", "_headroom"),
    (Shell::Fish, "fish", "headroom.fish"),
    (Shell::PowerShell, "powershell", "_headroom.ps1"),
    (Shell::Elvish, "elvish", "headroom.elv"),
];

fn man_page() -> Vec<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(headroom::cli::Cli::command())
        .render(&mut page)
        .expect("render the man page");
    page
}

/// Every generated file, as the code generates it now.
fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = COMPLETIONS
        .iter()
        .map(|(shell, _, file)| {
            (
                repo().join("completions").join(file),
                headroom::commands::completions::script(*shell),
            )
        })
        .collect();
    files.push((repo().join("man").join("headroom.1"), man_page()));
    files
}

/// Fails when a checked-in generated file differs from what the code generates; with
/// `HEADROOM_REGENERATE=1` it rewrites them instead.
#[test]
fn generated_files_are_current() {
    let regenerate = std::env::var_os("HEADROOM_REGENERATE").is_some_and(|v| !v.is_empty());
    let mut stale = Vec::new();
    for (path, fresh) in generated() {
        if regenerate {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(fresh.as_slice()) {
            stale.push(path.strip_prefix(repo()).unwrap().display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "{} differ from what the code generates now (the CLI changed). Regenerate them with\n  \
         HEADROOM_REGENERATE=1 cargo test --test cli generated_files_are_current\nand commit the result.",
        stale.join(", ")
    );
}

#[test]
fn completions_prints_the_checked_in_script() {
    let world = World::standard();
    for (shell, name, file) in COMPLETIONS {
        let output = world
            .headroom()
            .args(["completions", name])
            .output()
            .unwrap();
        assert_eq!(code(&output), 0, "{name}: {}", stderr(&output));
        assert_eq!(
            output.stdout,
            headroom::commands::completions::script(shell),
            "{name}"
        );
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains("headroom"), "{name}");
        // The checked-in file is the same text (generated_files_are_current says how to fix).
        if let Ok(checked_in) = std::fs::read_to_string(repo().join("completions").join(file)) {
            assert_eq!(checked_in, script, "completions/{file}");
        }
    }
    let bad = world
        .headroom()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(code(&bad), 3, "an unknown shell is a usage error");
}

#[test]
fn man_page_names_the_commands_and_exit_codes() {
    let page = String::from_utf8(man_page()).unwrap();
    assert!(page.starts_with(".ie"), "roff: {}", &page[..40]);
    for word in [
        "headroom",
        "create\\-ccn",
        "completions",
        "\\-\\-output\\-file",
        "Exit codes",
    ] {
        assert!(page.contains(word), "{word} missing from the man page");
    }
}

// ---------------------------------------------------------------------------------------------
// config.example.yaml

/// Every `${VAR}` the text names, commented-out lines included.
fn variables(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        names.push(after[..end].to_string());
        rest = &after[end..];
    }
    names.sort();
    names.dedup();
    names
}

/// A value of the right shape for each variable (a project id must look like one).
fn environment(text: &str) -> BTreeMap<String, String> {
    variables(text)
        .into_iter()
        .map(|name| {
            let value = if name.ends_with("PROJECT_ID") {
                "0123456789abcdef0123456789abcdef".to_string()
            } else {
                format!("value-of-{name}")
            };
            (name, value)
        })
        .collect()
}

/// The example with its commented-out keys inside the profiles switched on
/// (`    # security_token: ...` becomes `    security_token: ...`).
fn uncommented(text: &str) -> String {
    text.lines()
        .map(|line| {
            let indent = line.len() - line.trim_start().len();
            let Some(rest) = line.trim_start().strip_prefix("# ") else {
                return line.to_string();
            };
            let key = rest.trim_start();
            let is_key = indent > 0
                && key.split_once(':').is_some_and(|(k, _)| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
            if is_key {
                format!("{}{rest}", " ".repeat(indent))
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn example_config_parses_with_its_variables_set() {
    let path = repo().join("config.example.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let env = environment(&text);
    assert!(env.contains_key("HUAWEICLOUD_SDK_AK"), "{env:?}");
    for variant in [text.clone(), uncommented(&text)] {
        let config = headroom::config::parse(&variant, Some(&path), &env)
            .unwrap_or_else(|e| panic!("config.example.yaml: {e}\n{variant}"));
        let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        for profile in &config.profiles {
            assert_eq!(profile.problem, None, "profile {}", profile.name);
        }
        assert_eq!(config.thresholds.len(), 4);
        assert!(config.history.enabled);
        assert_eq!(config.history.keep.as_secs(), 400 * 86_400);
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    }
    // The commented keys really were switched on.
    let on = headroom::config::parse(&uncommented(&text), Some(&path), &env).unwrap();
    let ali = on.profiles.iter().find(|p| p.name == "ali-prod").unwrap();
    assert!(ali.endpoints.contains_key("smartag"));
    let hw = on.profiles.iter().find(|p| p.name == "hw-prod").unwrap();
    assert!(hw.endpoints.contains_key("iam"));
}
