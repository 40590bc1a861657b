/*
 * LD_PRELOAD shim: makes fsync and fdatasync as slow as a networked block device (a Ceph RBD
 * acknowledges a sync only once its replicas have it). SLOWSYNC_DELAY_US (default 5000) is added
 * before the real call, so data still reaches the disk exactly as without the shim.
 *
 *   gcc -shared -fPIC -O2 -o slowsync.so slowsync.c -ldl
 *   LD_PRELOAD=./slowsync.so SLOWSYNC_DELAY_US=5000 java ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

static long delay_us(void) {
  static long cached = -1;
  if (cached < 0) {
    const char *env = getenv("SLOWSYNC_DELAY_US");
    cached = env ? atol(env) : 5000;
  }
  return cached;
}

static void slow_down(void) {
  long us = delay_us();
  struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
  }
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  slow_down();
  return real(fd);
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  slow_down();
  return real(fd);
}
