//! Writes a file whole: through a temporary file in the same folder and a rename, so nobody
//! ever reads half a file and a failed write leaves the old one as it was. A symbolic link is
//! written through (the file it points at changes, the link stays a link), and the file keeps
//! its permissions. Used for reports, baselines and `fix --write`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces the content of `path` (or creates it) with `bytes`.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = link_target(path)?;
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".maskinporten-migrate.")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temporary.write_all(bytes)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        temporary.as_file().set_permissions(meta.permissions())?;
    }
    temporary.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// The file a write to `path` must replace: `path` itself, or what a symbolic link there
/// points at (followed to the end).
fn link_target(path: &Path) -> io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_through_a_symlink_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            write_whole(&link, b"new").unwrap();
            assert!(
                std::fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
            let mode = std::fs::metadata(&real).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let fresh = dir.path().join("fresh.txt");
        write_whole(&fresh, b"x").unwrap();
        assert_eq!(std::fs::read(&fresh).unwrap(), b"x");
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
    }
}
