// ZeroMQ's C API (the system's libzmq, Debian's libzmq3-dev): the Jupyter kernel's sockets.
#include <zmq.h>
