//! An exclusive lock on a file, held for as long as the [`FileLock`]
//! lives, that another process (or another handle in this one) can't take
//! meanwhile: what keeps a second opener out of the store and two
//! processes from talking to one lock at once (`quick/`).
//!
//! On Unix (Linux, Android, macOS, iOS) it is `flock(2)` on the file: the
//! lock belongs to the open file, so a second `open` in the same process
//! is refused too, and the kernel releases it when the process dies, even
//! by `kill -9`. It is advisory: it binds latchkey's own code, which is
//! every writer of these files. Elsewhere (Windows) there is no lock of
//! our own; the store relies on its engine's there.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often a waiting [`FileLock::acquire_within`] tries again.
const RETRY: Duration = Duration::from_millis(5);

/// A held exclusive lock; released on drop (and by the kernel when the
/// process ends, however it ends).
#[derive(Debug)]
pub(crate) struct FileLock {
    path: PathBuf,
    // Kept open: closing it releases the lock.
    file: File,
}

/// Why a lock was not taken.
#[derive(Debug)]
pub(crate) enum LockFailure {
    /// Another holder has it (and kept it for as long as we waited).
    Held,
    /// The file could not be opened or locked.
    Io(io::Error),
}

impl FileLock {
    /// Takes the lock on `path` (created if missing) or fails at once with
    /// [`LockFailure::Held`].
    pub(crate) fn try_acquire(path: &Path) -> Result<Self, LockFailure> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(LockFailure::Io)?;
        try_lock(&file)?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Takes the lock, waiting up to `patience` for its holder to let go.
    pub(crate) fn acquire_within(path: &Path, patience: Duration) -> Result<Self, LockFailure> {
        let started = Instant::now();
        loop {
            match Self::try_acquire(path) {
                Err(LockFailure::Held) if started.elapsed() < patience => std::thread::sleep(RETRY),
                other => return other,
            }
        }
    }

    /// The locked file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The open file, to read or write it while holding the lock (the lock
    /// stays with it when the file is renamed).
    pub(crate) fn file(&self) -> &File {
        &self.file
    }
}

#[cfg(unix)]
fn try_lock(file: &File) -> Result<(), LockFailure> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor this function's caller owns and
        // keeps open; no memory is passed.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(code) if code == libc::EWOULDBLOCK || code == libc::EAGAIN => return Err(LockFailure::Held),
            _ => return Err(LockFailure::Io(e)),
        }
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> Result<(), LockFailure> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.lock");
        let first = FileLock::try_acquire(&path).expect("first");
        // Another open file in the same process: flock refuses it too.
        assert!(matches!(FileLock::try_acquire(&path), Err(LockFailure::Held)));
        let started = Instant::now();
        assert!(matches!(
            FileLock::acquire_within(&path, Duration::from_millis(30)),
            Err(LockFailure::Held)
        ));
        assert!(started.elapsed() >= Duration::from_millis(30));
        drop(first);
        assert!(FileLock::try_acquire(&path).is_ok());
    }

    #[test]
    fn a_waiter_gets_the_lock_when_it_is_released() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("y.lock");
        let first = FileLock::try_acquire(&path).expect("first");
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(40));
            drop(first);
        });
        let second = FileLock::acquire_within(&path, Duration::from_secs(5)).expect("second");
        assert_eq!(second.path(), path.as_path());
        releaser.join().expect("thread");
    }
}
