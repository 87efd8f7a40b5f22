// The runner (ScenarioRun) and the lessons' scenarios; the playground's is in
// scenarios_playground.cpp.
#include "scenarios_internal.h"

#include "threads/core/classic.h"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>

namespace wb::threads {

namespace detail {

Phase::Phase(Shared &s) : m_s(s), m_rt(s.trace, s.options.mode, s.nextThread)
{
    m_rt.setSeed(s.options.seed.value_or(0) + 0x9e3779b97f4a7c15ull * s.phases++);
    m_rt.setManualChoice(s.options.manualChoice);
    m_rt.setPace(s.options.pace);
    m_rt.setRealSecond(s.options.realSecond);
    std::lock_guard lk(s.mutex);
    s.current = &m_rt;
    if (s.stopRequested)
        m_rt.stop();
}

Phase::~Phase()
{
    m_rt.stop();
    m_rt.join();
    std::lock_guard lk(m_s.mutex);
    m_s.current = nullptr;
    m_s.nextThread = m_rt.nextThreadNumber();
    for (auto &line : m_rt.console())
        m_s.console.push_back(line);
    if (auto d = m_rt.deadlock(); d && !m_s.summary.deadlock) {
        m_s.summary.deadlock = true;
        for (int n : d->threads)
            m_s.summary.cycle.push_back(threadName(n));
        m_s.summary.deadlockDescription = d->description;
    }
    if (auto e = m_rt.firstError(); e && !m_s.summary.error) {
        m_s.summary.error = e->message;
        m_s.summary.errorType = e->type;
    }
}

void Phase::say(const std::string &line)
{
    m_rt.print(line);
}

bool stopped(Shared &s)
{
    std::lock_guard lk(s.mutex);
    return s.stopRequested;
}

std::string me(Runtime &rt)
{
    return threadName(rt.currentThread());
}

std::int64_t randint(Shared &s)
{
    std::lock_guard lk(s.mutex);
    return s.values.between(0, 256);
}

void setExtra(Shared &s, std::string key, wb::Value v)
{
    std::lock_guard lk(s.mutex);
    s.summary.extra.emplace_back(std::move(key), std::move(v));
}

} // namespace detail

namespace {

using detail::me;
using detail::Phase;
using detail::randint;
using detail::setExtra;
using detail::Shared;
using detail::stopped;

// ---- fetch-nolock / fetch-lock ----------------------------------------------------------

struct Page
{
    std::string url;
    std::string body;
    double latency; // scripted fetch time, scenario seconds
};

// The shared output file. One write() call is atomic (as a write(2) of a small buffer is);
// a page is written in several calls, which is where two unsynchronized writers interleave.
class OutputFile
{
public:
    void write(Runtime &rt, const std::string &chunk)
    {
        static const PrimitiveRef file{-1, "output.txt", "file"};
        std::size_t offset;
        {
            std::lock_guard lk(m_mutex);
            offset = m_bytes.size();
            m_bytes += chunk;
            m_owners.insert(m_owners.end(), chunk.size(), rt.currentThread());
        }
        rt.recordText(Form::Write, file, {std::int64_t(offset)}, chunk);
    }
    std::string bytes() const
    {
        std::lock_guard lk(m_mutex);
        return m_bytes;
    }
    // Number of runs of bytes from one writer: 4 pages written whole give 4.
    std::int64_t runs() const
    {
        std::lock_guard lk(m_mutex);
        std::int64_t n = 0;
        for (std::size_t i = 0; i < m_owners.size(); ++i)
            if (i == 0 || m_owners[i] != m_owners[i - 1])
                ++n;
        return n;
    }

private:
    mutable std::mutex m_mutex;
    std::string m_bytes;
    std::vector<int> m_owners;
};

std::string pageBody(const std::string &site)
{
    std::string body;
    while (body.size() < 40)
        body += "<" + site + ">";
    return body.substr(0, 40);
}

void fetchScenario(Shared &s, bool withLock)
{
    Phase phase(s);
    Runtime &rt = phase.rt();
    OutputFile file;
    classic::Lock lock(&rt, "lock");
    std::mutex gaugeMutex;
    std::int64_t writing = 0, maxWriting = 0;

    // Latencies chosen so the two first pages arrive while the other is still being
    // written: without the lock their bytes must interleave, with it they queue up.
    const std::vector<Page> urls1 = {{"http://www.google.com", pageBody("google"), 0.40},
                                     {"http://www.facebook.com", pageBody("facebook"), 0.20}};
    const std::vector<Page> urls2 = {{"http://www.yahoo.com", pageBody("yahoo"), 0.30},
                                     {"http://www.youtube.com", pageBody("youtube"), 0.10}};
    constexpr std::size_t kChunk = 8;

    auto fetchUrls = [&](std::vector<Page> urls) {
        while (!urls.empty()) {
            const Page page = urls.back(); // pop() takes the last URL
            urls.pop_back();
            rt.sleep(page.latency); // urlopen: scripted latency, no network
            if (withLock) {
                lock.acquire();
                rt.print("lock acquired by " + me(rt));
            }
            {
                std::lock_guard g(gaugeMutex);
                maxWriting = std::max(maxWriting, ++writing);
            }
            for (std::size_t at = 0; at < page.body.size(); at += kChunk) {
                file.write(rt, page.body.substr(at, kChunk));
                rt.sleep(0.04); // the write takes time, as real I/O does
            }
            {
                std::lock_guard g(gaugeMutex);
                --writing;
            }
            rt.print("write done by " + me(rt));
            if (withLock) {
                rt.print("lock released by " + me(rt));
                lock.release();
            }
            rt.print("URL " + page.url + " fetched by " + me(rt));
        }
    };
    rt.spawn([&] { fetchUrls(urls1); });
    rt.spawn([&] { fetchUrls(urls2); });
    phase.run();

    std::lock_guard lk(s.mutex);
    s.summary.maxConcurrentWriters = maxWriting;
    s.summary.extra.emplace_back("file", file.bytes());
    s.summary.extra.emplace_back("writer_runs", file.runs());
    s.summary.extra.emplace_back("interleaved", file.runs() > 4);
}

// ---- rlock ---------------------------------------------------------------------------------

void rlockScenario(Shared &s)
{
    {
        Phase phase(s); // a Lock taken twice by one thread: self-deadlock, detected
        Runtime &rt = phase.rt();
        classic::Lock lock(&rt, "lock");
        rt.spawn([&] {
            lock.acquire();
            rt.print("lock acquired by " + me(rt));
            rt.print("lock acquired again by " + me(rt) + "?");
            lock.acquire(); // never returns: the Lock has no owner to recognise
            rt.print("unreachable: lock acquired twice by " + me(rt));
        });
        phase.run();
        if (auto d = phase.deadlock())
            phase.say("deadlock detected: " + d->description);
    }
    if (stopped(s))
        return;
    {
        Phase phase(s); // the same with an RLock: owner + count
        Runtime &rt = phase.rt();
        classic::RLock rlock(&rt, "rlock");
        rt.spawn([&] {
            rlock.acquire();
            rt.print("rlock acquired by " + me(rt));
            rlock.acquire();
            rt.print("rlock acquired again by " + me(rt) + " (count " +
                     std::to_string(rlock.count()) + ")");
            rlock.release();
            rlock.release();
            rt.print("rlock released twice by " + me(rt));
        });
        phase.run();
    }
    if (stopped(s))
        return;
    {
        Phase phase(s); // release by a thread that does not own it
        Runtime &rt = phase.rt();
        classic::RLock rlock(&rt, "rlock");
        classic::Event held(&rt, "held");
        rt.spawn([&] {
            rlock.acquire();
            rt.print("rlock acquired by " + me(rt));
            held.set();
            rt.sleep(1);
            rlock.release();
            rt.print("rlock released by " + me(rt));
        });
        rt.spawn([&] {
            held.wait();
            rt.print("rlock released by " + me(rt) + ", which does not own it");
            rlock.release(); // RuntimeError: cannot release un-acquired lock
        });
        phase.run();
    }
}

// ---- condition ----------------------------------------------------------------------------

void conditionScenario(Shared &s)
{
    Phase phase(s);
    Runtime &rt = phase.rt();
    classic::Condition condition(&rt, nullptr, "condition");
    std::vector<std::int64_t> integers; // guarded by condition
    constexpr int kRounds = 2;
    std::int64_t produced = 0, consumed = 0;

    rt.spawn([&] { // Producer
        for (int i = 0; i < kRounds; ++i) {
            const std::int64_t n = i == 0 ? 159 : i == 1 ? 116 : randint(s);
            condition.acquire();
            rt.print("condition acquired by " + me(rt));
            integers.push_back(n);
            ++produced;
            rt.print(std::to_string(n) + " appended to list by " + me(rt));
            rt.print("condition notified by " + me(rt));
            condition.notify();
            rt.print("condition released by " + me(rt));
            condition.release();
            rt.sleep(1);
        }
    });
    rt.spawn([&] { // Consumer
        for (int i = 0; i < kRounds; ++i) {
            condition.acquire();
            rt.print("condition acquired by " + me(rt));
            for (;;) {
                if (!integers.empty()) {
                    const std::int64_t n = integers.back();
                    integers.pop_back();
                    ++consumed;
                    rt.print(std::to_string(n) + " popped from list by " + me(rt));
                    break;
                }
                rt.print("condition wait by " + me(rt));
                condition.wait();
            }
            rt.print("condition released by " + me(rt));
            condition.release();
        }
    });
    phase.run();
    std::lock_guard lk(s.mutex);
    s.summary.produced = produced;
    s.summary.consumed = consumed;
}

// ---- semaphore / bounded-semaphore --------------------------------------------------------

void semaphoreScenario(Shared &s)
{
    Phase phase(s);
    Runtime &rt = phase.rt();
    constexpr std::int64_t kPermits = 2;
    constexpr int kWorkers = 4;
    classic::Semaphore semaphore(&rt, kPermits, false, "semaphore");
    std::mutex gaugeMutex;
    std::int64_t inside = 0, maxInside = 0, minValue = kPermits;

    for (int w = 0; w < kWorkers; ++w) {
        rt.spawn([&, w] {
            for (int round = 0; round < 2; ++round) {
                semaphore.acquire();
                std::int64_t now;
                {
                    std::lock_guard g(gaugeMutex);
                    now = ++inside;
                    maxInside = std::max(maxInside, inside);
                    minValue = std::min(minValue, semaphore.value());
                }
                rt.print("semaphore acquired by " + me(rt) + " (" + std::to_string(now) + " of " +
                         std::to_string(kPermits) + " permits in use)");
                rt.sleep(0.5 + 0.25 * w); // work on the shared resource
                {
                    std::lock_guard g(gaugeMutex);
                    --inside;
                }
                rt.print("semaphore released by " + me(rt));
                semaphore.release();
            }
        });
    }
    phase.run();
    std::lock_guard lk(s.mutex);
    s.summary.extra.emplace_back("permits", kPermits);
    s.summary.extra.emplace_back("workers", std::int64_t(kWorkers));
    s.summary.extra.emplace_back("max_in_use", maxInside);
    s.summary.extra.emplace_back("min_value", minValue);
}

void boundedSemaphoreScenario(Shared &s)
{
    Phase phase(s);
    Runtime &rt = phase.rt();
    classic::Semaphore semaphore(&rt, 2, true, "bounded");
    rt.spawn([&] {
        semaphore.acquire();
        rt.print("semaphore acquired by " + me(rt));
        semaphore.release();
        rt.print("semaphore released by " + me(rt));
        rt.print("semaphore released again by " + me(rt));
        semaphore.release(); // ValueError: Semaphore released too many times
    });
    phase.run();
    setExtra(s, "value", semaphore.value());
}

// ---- event ----------------------------------------------------------------------------------

void eventScenario(Shared &s)
{
    constexpr int kRounds = 4;
    constexpr double kConsumerWork = 1.5; // longer than the producer's period: pulses are missed
    {
        Phase phase(s); // the tutorial's program: set() then clear() at once
        Runtime &rt = phase.rt();
        classic::Event event(&rt, "event");
        // Python's list is safe only thanks to the GIL; a std::mutex plays the GIL here.
        std::mutex gil;
        std::vector<std::int64_t> integers;
        std::int64_t produced = 0, consumed = 0, emptyWakes = 0;
        bool done = false;

        rt.spawn([&] { // Producer
            for (int i = 0; i < kRounds; ++i) {
                const std::int64_t n = i == 0 ? 124 : i == 1 ? 223 : randint(s);
                {
                    std::lock_guard g(gil);
                    integers.push_back(n);
                    ++produced;
                }
                rt.print(std::to_string(n) + " appended to list by " + me(rt));
                rt.print("event set by " + me(rt));
                event.set();
                event.clear();
                rt.print("event cleared by " + me(rt));
                rt.sleep(1);
            }
            {
                std::lock_guard g(gil);
                done = true;
            }
            event.set(); // a last pulse, left set, so the consumer can finish
        });
        rt.spawn([&] { // Consumer
            for (;;) {
                event.wait();
                std::optional<std::int64_t> n;
                bool finished;
                {
                    std::lock_guard g(gil);
                    if (!integers.empty()) {
                        n = integers.back();
                        integers.pop_back();
                        ++consumed;
                    } else {
                        ++emptyWakes;
                    }
                    finished = done;
                }
                if (n)
                    rt.print(std::to_string(*n) + " popped from list by " + me(rt));
                if (finished)
                    break;
                rt.sleep(kConsumerWork);
            }
        });
        phase.run();
        std::lock_guard lk(s.mutex);
        s.summary.produced = produced;
        s.summary.consumed = consumed;
        s.summary.extra.emplace_back("left_in_list", std::int64_t(integers.size()));
        s.summary.extra.emplace_back("wakes_with_empty_list", emptyWakes);
    }
    if (stopped(s))
        return;
    {
        Phase phase(s); // the fix: a Condition with a predicate never misses an item
        Runtime &rt = phase.rt();
        phase.say("the fix: a Condition with a predicate (items are never missed)");
        classic::Condition condition(&rt, nullptr, "condition");
        std::deque<std::int64_t> integers; // guarded by condition
        std::int64_t produced = 0, consumed = 0;
        bool done = false;

        rt.spawn([&] { // Producer
            for (int i = 0; i < kRounds; ++i) {
                const std::int64_t n = randint(s);
                condition.acquire();
                integers.push_back(n);
                ++produced;
                rt.print(std::to_string(n) + " appended to list by " + me(rt));
                condition.notify();
                condition.release();
                rt.sleep(1);
            }
            condition.acquire();
            done = true;
            condition.notifyAll();
            condition.release();
        });
        rt.spawn([&] { // Consumer
            for (;;) {
                condition.acquire();
                while (integers.empty() && !done)
                    condition.wait();
                if (integers.empty()) {
                    condition.release();
                    break;
                }
                const std::int64_t n = integers.front();
                integers.pop_front();
                ++consumed;
                condition.release();
                rt.print(std::to_string(n) + " popped from list by " + me(rt));
                rt.sleep(kConsumerWork);
            }
        });
        phase.run();
        std::lock_guard lk(s.mutex);
        s.summary.extra.emplace_back("fix_produced", produced);
        s.summary.extra.emplace_back("fix_consumed", consumed);
    }
}

// ---- queue ----------------------------------------------------------------------------------

void queueScenario(Shared &s)
{
    Phase phase(s);
    Runtime &rt = phase.rt();
    constexpr std::int64_t kMaxsize = 2;
    constexpr int kItems = 5;
    classic::Queue queue(&rt, kMaxsize, "queue");
    std::int64_t produced = 0, consumed = 0;
    std::atomic<std::int64_t> maxSize{0};

    rt.spawn([&] { // Producer: no sleep, so put() blocks when the queue is full
        for (int i = 0; i < kItems; ++i) {
            const std::int64_t n = i == 0 ? 61 : i == 1 ? 6 : randint(s);
            queue.put(n);
            ++produced;
            maxSize = std::max<std::int64_t>(maxSize, std::int64_t(queue.size()));
            rt.print(std::to_string(n) + " put to queue by " + me(rt));
        }
        queue.join();
        rt.print("queue joined by " + me(rt) + ": every task is done");
    });
    rt.spawn([&] { // Consumer
        for (int i = 0; i < kItems; ++i) {
            const std::int64_t n = queue.get();
            ++consumed;
            rt.print(std::to_string(n) + " popped from list by " + me(rt));
            rt.sleep(0.5);
            queue.taskDone();
        }
        rt.print("task_done called once more by " + me(rt));
        queue.taskDone(); // ValueError: task_done() called too many times
    });
    phase.run();
    std::lock_guard lk(s.mutex);
    s.summary.produced = produced;
    s.summary.consumed = consumed;
    s.summary.extra.emplace_back("maxsize", kMaxsize);
    s.summary.extra.emplace_back("max_size_seen", maxSize.load());
    s.summary.extra.emplace_back("unfinished_tasks", queue.unfinishedTasks());
}

// ---- deadlock -------------------------------------------------------------------------------

void deadlockScenario(Shared &s)
{
    Phase phase(s);
    Runtime &rt = phase.rt();
    classic::Lock lockA(&rt, "lockA");
    classic::Lock lockB(&rt, "lockB");
    auto worker = [&](classic::Lock &first, classic::Lock &second) {
        first.acquire();
        rt.print(std::string(first.name()) + " acquired by " + me(rt));
        rt.sleep(0.5);
        rt.print(me(rt) + " waits for " + std::string(second.name()));
        second.acquire();
        rt.print(std::string(second.name()) + " acquired by " + me(rt));
        second.release();
        first.release();
    };
    rt.spawn([&] { worker(lockA, lockB); });
    rt.spawn([&] { worker(lockB, lockA); });
    phase.run();
    if (auto d = phase.deadlock())
        phase.say("deadlock detected: " + d->description);
}

const std::map<std::string, std::function<void(Shared &)>> &table()
{
    static const std::map<std::string, std::function<void(Shared &)>> t = {
        {"fetch-nolock",
         [](Shared &s) {
             fetchScenario(s, false);
         }},
        {"fetch-lock",
         [](Shared &s) {
             fetchScenario(s, true);
         }},
        {"rlock", rlockScenario},
        {"condition", conditionScenario},
        {"semaphore", semaphoreScenario},
        {"bounded-semaphore", boundedSemaphoreScenario},
        {"event", eventScenario},
        {"queue", queueScenario},
        {"deadlock", deadlockScenario},
        {"playground", detail::playgroundScenario},
    };
    return t;
}

} // namespace

const std::vector<ScenarioInfo> &scenarios()
{
    static const std::vector<ScenarioInfo> list = {
        {"fetch-nolock", "Two threads, one file, no lock",
         "Two fetchers write their pages to one file at once and the bytes interleave."},
        {"fetch-lock", "Two threads, one file, one Lock",
         "A Lock around the write keeps each page whole."},
        {"rlock", "Lock versus RLock",
         "A Lock acquired twice by one thread deadlocks; an RLock counts; only its owner may "
         "release it."},
        {"condition", "Producer and consumer on a Condition",
         "wait() gives up the lock and takes it back before returning."},
        {"semaphore", "Semaphore as a capacity gauge",
         "Four workers share two permits; never more than two are inside."},
        {"bounded-semaphore", "BoundedSemaphore over-release",
         "Releasing more often than acquiring raises an error."},
        {"event", "Event and the missed wake-up",
         "set() followed at once by clear() is missed by a busy consumer; a Condition with a "
         "predicate is not."},
        {"queue", "A bounded Queue with task_done and join",
         "put blocks when full, get when empty; join returns after the last task_done."},
        {"deadlock", "Two locks in opposite order",
         "Each thread holds the lock the other needs: a cycle in the wait-for graph."},
        {"playground", "Playground: your own threads",
         "Declare primitives, give each thread a line of operations, and watch them run."},
    };
    return list;
}

bool isScenario(std::string_view id)
{
    return table().contains(std::string(id));
}

ScenarioRun::ScenarioRun(std::string id, ScenarioOptions options, wb::Trace &trace)
    : m_shared(std::make_shared<Shared>())
{
    if (!isScenario(id))
        throw std::invalid_argument("unknown scenario '" + id + "'");
    m_shared->id = id;
    m_shared->options = options;
    m_shared->trace = &trace;
    m_shared->summary.scenario = id;
    m_shared->values.reseed(options.seed.value_or(0));
    if (id == "playground") {
        ParseResult parsed =
            parseScript(options.script.empty() ? scriptPresets().front().script : options.script);
        if (!parsed.ok())
            throw ScriptSyntaxError(std::move(parsed.errors));
        m_shared->script = std::move(parsed.script);
    }
}

ScenarioRun::~ScenarioRun()
{
    stop();
    wait();
}

void ScenarioRun::start()
{
    if (m_driver.joinable())
        return;
    std::shared_ptr<Shared> s = m_shared;
    m_driver = std::thread([s] {
        try {
            table().at(s->id)(*s);
        } catch (const std::exception &e) {
            std::lock_guard lk(s->mutex);
            if (!s->summary.error)
                s->summary.error = e.what();
        }
        std::lock_guard lk(s->mutex);
        s->summary.stopped = s->stopRequested && !s->summary.deadlock;
        s->finished = true;
        s->cv.notify_all();
    });
}

void ScenarioRun::wait()
{
    if (m_driver.joinable())
        m_driver.join();
}

bool ScenarioRun::finished() const
{
    std::lock_guard lk(m_shared->mutex);
    return m_shared->finished;
}

void ScenarioRun::stop()
{
    std::lock_guard lk(m_shared->mutex);
    m_shared->stopRequested = true;
    if (m_shared->current)
        m_shared->current->stop();
}

std::vector<ThreadInfo> ScenarioRun::parked() const
{
    std::lock_guard lk(m_shared->mutex);
    return m_shared->current ? m_shared->current->parked() : std::vector<ThreadInfo>{};
}

bool ScenarioRun::choose(int thread)
{
    std::lock_guard lk(m_shared->mutex);
    return m_shared->current && m_shared->current->choose(thread);
}

std::vector<ThreadInfo> ScenarioRun::threads() const
{
    std::lock_guard lk(m_shared->mutex);
    return m_shared->current ? m_shared->current->threads() : std::vector<ThreadInfo>{};
}

void ScenarioRun::flush()
{
    std::lock_guard lk(m_shared->mutex);
    if (m_shared->current)
        m_shared->current->flush();
}

Summary ScenarioRun::summary() const
{
    std::lock_guard lk(m_shared->mutex);
    return m_shared->summary;
}

std::vector<std::string> ScenarioRun::console() const
{
    std::lock_guard lk(m_shared->mutex);
    return m_shared->console;
}

Summary runScenario(const std::string &id, const ScenarioOptions &options, wb::Trace &trace)
{
    ScenarioRun run(id, options, trace);
    run.start();
    run.wait();
    return run.summary();
}

} // namespace wb::threads
