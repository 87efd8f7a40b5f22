#pragma once
// Python's exceptions, as C++ exceptions that keep Python's type name and message, so a
// scenario reports "RuntimeError: cannot release un-acquired lock" exactly as CPython would.

#include <stdexcept>
#include <string>

namespace wb::threads {

class PyError : public std::runtime_error
{
public:
    PyError(std::string type, const std::string &message)
        : std::runtime_error(message), m_type(std::move(type))
    {
    }
    const std::string &pythonType() const { return m_type; }

private:
    std::string m_type;
};

struct RuntimeError : PyError
{
    explicit RuntimeError(const std::string &m) : PyError("RuntimeError", m) {}
};
struct ValueError : PyError
{
    explicit ValueError(const std::string &m) : PyError("ValueError", m) {}
};
// Queue.Full / Queue.Empty: raised by non-blocking or timed-out put/get.
struct QueueFull : PyError
{
    QueueFull() : PyError("Full", "queue is full") {}
};
struct QueueEmpty : PyError
{
    QueueEmpty() : PyError("Empty", "queue is empty") {}
};

// Thrown inside a scenario thread when its run is stopped (by the user or by deadlock
// detection). It unwinds the thread to its entry point; it is not a Python error and never
// escapes a Runtime thread. Deliberately not a std::exception so `catch (std::exception &)`
// in scenario code cannot swallow it.
struct Cancelled
{
};

} // namespace wb::threads
