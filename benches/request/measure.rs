//! One timed round: `total` requests from `concurrency` tasks, each request's latency kept.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What one round measured.
pub struct Round {
    /// Each request's latency, sorted.
    pub latencies: Vec<Duration>,
    /// Requests per second over the whole round.
    pub throughput: f64,
}

impl Round {
    /// The latency below which `quantile` (0..=1) of the requests finished (nearest rank).
    pub fn percentile(&self, quantile: f64) -> Duration {
        let rank = (quantile * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }
}

/// Sends `total` requests through `request` from `concurrency` tasks sharing one counter, so
/// every task stays busy until the round's last request.
pub async fn round<F, Fut>(concurrency: usize, total: usize, request: F) -> Round
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (issued, request) = (issued.clone(), request.clone());
        tasks.spawn_local(async move {
            let mut latencies = Vec::with_capacity(total / concurrency + 1);
            while issued.fetch_add(1, Ordering::Relaxed) < total {
                let sent = Instant::now();
                request().await;
                latencies.push(sent.elapsed());
            }
            latencies
        });
    }
    let mut latencies = Vec::with_capacity(total);
    while let Some(done) = tasks.join_next().await {
        latencies.extend(done.expect("a request task panicked"));
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Round {
        throughput: total as f64 / elapsed.as_secs_f64(),
        latencies,
    }
}
