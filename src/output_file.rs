//! `--output-file`: the result written to a path without ever leaving half a file, and without
//! harming what the path already is.
//!
//! A regular file (or a path that does not exist yet) is replaced atomically: a temporary file
//! in the same folder, flushed to disk, then renamed over it, so a reader (node_exporter's
//! textfile collector) never sees half a file and a failed write leaves the old file as it
//! was; the old file's permissions are kept. A FIFO or a device (`/dev/stdout`, `/dev/null`)
//! is written directly: renaming over it would replace a device node with a plain file, for
//! every user of the machine. A symlink is followed, and its target is what gets replaced.
//! Anything else (a directory, a socket) is refused.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::commands::AppError;

/// Symlinks followed at most, as the kernel's own limit for path resolution.
const MAX_SYMLINKS: usize = 40;
/// Temporary names tried before giving up (a name is taken only by a leftover or a rival).
const TEMP_TRIES: usize = 16;

pub fn write(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let fail = failure(path);
    // `metadata` follows symlinks the way `open` will, `/dev/stdout`'s links into /proc included.
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            let target = fs::canonicalize(path).map_err(|e| fail("following the path", e))?;
            replace(path, &target, bytes, Some(meta.permissions()))
        }
        Ok(meta) if is_stream(&meta) => {
            let mut file = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| fail("opening it", e))?;
            file.write_all(bytes)
                .and_then(|()| file.flush())
                .map_err(|e| fail("writing", e))
        }
        Ok(meta) => Err(AppError::usage_hint(
            format!(
                "cannot write --output-file {}: it is {}, not a file",
                path.display(),
                kind(&meta)
            ),
            "give the path of a file to write (it is created or replaced)",
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let target = follow_symlinks(path).map_err(|e| fail("following the symlink", e))?;
            replace(path, &target, bytes, None)
        }
        Err(e) => Err(fail("reading what it is", e)),
    }
}

/// The error for one failed step, naming the path as the user gave it.
fn failure(path: &Path) -> impl Fn(&str, io::Error) -> AppError + '_ {
    move |what, e| {
        AppError::Other(format!(
            "cannot write --output-file {}: {what}: {e}",
            path.display()
        ))
    }
}

/// The path a chain of symlinks ends at (the path itself when it is not a symlink), for a
/// path that does not resolve yet: a dangling symlink names the file to create.
fn follow_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

#[cfg(unix)]
fn is_stream(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    kind.is_fifo() || kind.is_char_device() || kind.is_block_device()
}

#[cfg(not(unix))]
fn is_stream(_meta: &fs::Metadata) -> bool {
    false
}

fn kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if meta.file_type().is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// The temporary-file-and-rename replacement of `target` (where `path` leads), keeping
/// `permissions` when given.
fn replace(
    path: &Path,
    target: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> Result<(), AppError> {
    let fail = failure(path);
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().ok_or_else(|| {
        fail(
            "finding the file name",
            io::Error::other("the path does not end in one"),
        )
    })?;
    let (temp, mut file) = create_temp(&dir, &name.to_string_lossy())
        .map_err(|e| fail("creating a temporary file", e))?;
    let result = (|| {
        file.write_all(bytes).map_err(|e| fail("writing", e))?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)
                .map_err(|e| fail("keeping the file's permissions", e))?;
        }
        file.sync_all().map_err(|e| fail("flushing", e))?;
        fs::rename(&temp, target).map_err(|e| fail("renaming the temporary file", e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// A new temporary file `.NAME.PID.N.tmp` beside the target. A leftover of a killed run with
/// the same process id only moves the name on; it never stops the write.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    let mut last = io::Error::other("no temporary name was free");
    for attempt in 0..TEMP_TRIES {
        let temp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.prom");
        fs::write(&path, "old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let missing = dir.path().join("no-such-dir").join("out.prom");
        let error = write(&missing, b"x").unwrap_err().to_string();
        assert!(error.starts_with("cannot write --output-file "), "{error}");
    }

    #[test]
    fn a_leftover_temporary_file_does_not_stop_the_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.prom");
        let leftover = dir
            .path()
            .join(format!(".out.prom.{}.0.tmp", std::process::id()));
        fs::write(&leftover, "stale").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_to_string(&leftover).unwrap(), "stale");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_and_follows_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.prom");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.prom");
        std::os::unix::fs::symlink("real.prom", &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = write(dir.path(), b"x").unwrap_err().to_string();
        assert!(error.contains("it is a directory, not a file"), "{error}");
    }
}
