//! Stdout for `webhook listen`: each delivery's lines written whole or not at all, from a thread
//! of its own, and a delivery answered 2xx only once its lines are out.
//!
//! A reader that stops reading fills the pipe; a write to a full pipe blocks, and a process
//! stopped in the middle of one leaves a torn line behind. So on a pipe a delivery's lines are
//! written only when the pipe has room for all of them (its free space: capacity less what is
//! unread, FIONREAD), which a blocking write then fills at once; a delivery that finds no room
//! within its bound is not written, and answered 500 so the hub sends it again. The pipe is made
//! as large as the system allows, so a delivery of up to that size always can fit. A file or a
//! terminal is written as it is.

use std::io::Write;
use std::os::fd::AsFd;
use std::os::unix::fs::FileTypeExt;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Deliveries waiting for the writer, at most; more are answered 500 at once.
const QUEUED: usize = 256;
/// How often a full pipe is looked at again.
const POLL: Duration = Duration::from_millis(5);
/// The pipe size asked for: Linux's default limit for an unprivileged process
/// (`/proc/sys/fs/pipe-max-size`), room for the lines of a delivery up to the body limit (a
/// delivery at the limit, plus its line break, is written as it comes, within the same bound).
const PIPE_SIZE: usize = 1024 * 1024;

/// Why a delivery's lines were not written.
#[derive(Debug)]
pub enum Unwritten {
    /// Stdout failed (its reader is gone): the listener stops.
    Broken(std::io::Error),
    /// No room within the bound (a reader that stopped reading); nothing of it was written.
    Slow,
}

/// The writer's end that deliveries hand their lines to.
pub struct Stdout {
    jobs: SyncSender<Job>,
}

struct Job {
    bytes: Vec<u8>,
    deadline: Instant,
    done: oneshot::Sender<Result<(), Unwritten>>,
}

impl Stdout {
    /// Starts the writer, refusing a stdout that is closed (the runtime makes a closed stdout
    /// `/dev/null`) unless `lossless_elsewhere` says the events reach something else.
    pub fn start(lossless_elsewhere: bool) -> Result<Stdout, String> {
        let stdout = std::io::stdout();
        let file = std::fs::File::from(
            stdout
                .as_fd()
                .try_clone_to_owned()
                .map_err(|e| format!("cannot use stdout: {e}"))?,
        );
        let metadata = file
            .metadata()
            .map_err(|e| format!("cannot use stdout: {e}"))?;
        let null = std::fs::metadata("/dev/null").ok();
        let is_null = metadata.file_type().is_char_device()
            && null.is_some_and(|null| {
                use std::os::unix::fs::MetadataExt;
                null.rdev() == metadata.rdev()
            });
        if is_null && !lossless_elsewhere {
            return Err("stdout is closed or /dev/null, so the events would be acknowledged and lost: give it a file or a pipe, or --forward-to the app".into());
        }
        let pipe = metadata.file_type().is_fifo();
        if pipe {
            // As large as allowed; what it cannot be, it stays.
            let _ = rustix::pipe::fcntl_setpipe_size(&file, PIPE_SIZE);
        }
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(QUEUED);
        std::thread::spawn(move || {
            for job in queue {
                let written = write(&file, pipe, &job);
                let _ = job.done.send(written);
            }
        });
        Ok(Stdout { jobs })
    }

    /// Writes `bytes` (whole lines) within `bound`: `Ok` once they are out.
    pub async fn print(&self, bytes: Vec<u8>, bound: Duration) -> Result<(), Unwritten> {
        let (done, written) = oneshot::channel();
        let job = Job {
            bytes,
            deadline: Instant::now() + bound,
            done,
        };
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Unwritten::Slow),
            Err(TrySendError::Disconnected(_)) => {
                return Err(Unwritten::Broken(std::io::Error::other(
                    "the writer stopped",
                )));
            }
        }
        // Bounded here too: a write already under way (a terminal held by Ctrl-S, a job larger
        // than the pipe) may block past its deadline. Its delivery is then answered 500 and
        // sent again by the hub; if the write completes later, the event is printed twice
        // (with its id), never lost.
        match tokio::time::timeout(bound, written).await {
            Err(_) => Err(Unwritten::Slow),
            Ok(written) => written.unwrap_or_else(|_| {
                Err(Unwritten::Broken(std::io::Error::other(
                    "the writer stopped",
                )))
            }),
        }
    }
}

/// Writes one job's bytes to `file`: on a pipe, only once they fit whole.
fn write(file: &std::fs::File, pipe: bool, job: &Job) -> Result<(), Unwritten> {
    if pipe {
        loop {
            let capacity = rustix::pipe::fcntl_getpipe_size(file).unwrap_or(0);
            let unread = rustix::io::ioctl_fionread(file).unwrap_or(0) as usize;
            let free = capacity.saturating_sub(unread);
            // A job larger than the pipe itself can never fit: written as it is.
            if job.bytes.len() <= free || job.bytes.len() > capacity {
                break;
            }
            if Instant::now() >= job.deadline {
                return Err(Unwritten::Slow);
            }
            std::thread::sleep(POLL);
        }
    } else if Instant::now() >= job.deadline {
        return Err(Unwritten::Slow);
    }
    let mut out = file;
    out.write_all(&job.bytes)
        .and_then(|()| out.flush())
        .map_err(Unwritten::Broken)
}
