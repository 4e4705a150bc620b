// Linux readiness primitives that Glibc's Swift overlay does not export.
#ifndef SWITCHYARD_CEPOLL_H
#define SWITCHYARD_CEPOLL_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

// epoll_event is packed on x86_64; these accessors keep Swift away from unaligned field access.
static inline uint32_t cepoll_event_events(const struct epoll_event *e) { return e->events; }
static inline uint64_t cepoll_event_u64(const struct epoll_event *e) { return e->data.u64; }
static inline int cepoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &ev);
}
static inline int cepoll_errno(void) { return errno; }
// accept4 is a GNU extension hidden without _GNU_SOURCE, which this header must not define
// (it would change the meaning of other system headers for Swift).
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
static inline int cepoll_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}
#endif
