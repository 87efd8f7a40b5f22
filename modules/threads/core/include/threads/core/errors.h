#pragma once
// Python's exceptions, as C++ exceptions that keep Python's type name and message, so a
// scenario reports "RuntimeError: cannot release un-acquired lock" exactly as CPython would.

#include <stdexcept>
#include <string>

namespace wb::threads {

class PyError : public std::runtime_error
{
public:
    // `module` is where Python defines the type when it is not a builtin ("queue" for Full):
    // a traceback's last line names it so.
    PyError(std::string type, const std::string &message, std::string module = {})
        : std::runtime_error(message), m_type(std::move(type)), m_module(std::move(module))
    {}
    const std::string &pythonType() const { return m_type; }
    // The last line of the traceback CPython prints: "RuntimeError: release unlocked lock",
    // or "queue.Full" for an exception raised without a message.
    std::string tracebackLine() const
    {
        const std::string name = m_module.empty() ? m_type : m_module + "." + m_type;
        const std::string text = what();
        return text.empty() ? name : name + ": " + text;
    }

private:
    std::string m_type;
    std::string m_module;
};

struct RuntimeError : PyError
{
    explicit RuntimeError(const std::string &m) : PyError("RuntimeError", m) {}
};
struct ValueError : PyError
{
    explicit ValueError(const std::string &m) : PyError("ValueError", m) {}
};
// queue.Full / queue.Empty: raised by non-blocking or timed-out put/get. CPython 3.11's
// Lib/queue.py raises them bare (`raise Full`), so they carry no message; Empty comes from the
// C module _queue.
struct QueueFull : PyError
{
    QueueFull() : PyError("Full", "", "queue") {}
};
struct QueueEmpty : PyError
{
    QueueEmpty() : PyError("Empty", "", "_queue") {}
};
// threading.BrokenBarrierError (Python 3.2+): a Barrier wait timed out, or the barrier was
// broken by another thread's timeout.
struct BrokenBarrierError : PyError
{
    BrokenBarrierError() : PyError("BrokenBarrierError", "", "threading") {}
};

// Thrown inside a scenario thread when its run is stopped (by the user or by deadlock
// detection). It unwinds the thread to its entry point; it is not a Python error and never
// escapes a Runtime thread. Deliberately not a std::exception so `catch (std::exception &)`
// in scenario code cannot swallow it.
struct Cancelled
{
};

} // namespace wb::threads
