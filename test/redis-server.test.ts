import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findRedisServer, redisCommand, useRedisServer } from './redis-server.js';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the tests’ own redis-server', () => {
  const redis = useRedisServer();

  it('answers on 127.0.0.1 with persistence off, in its own directory', async (ctx) => {
    const server = redis.server(ctx);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await server.command(['SET', 'k', 'v'])).toBe('OK');
    expect(await server.command(['GET', 'k'])).toBe('v');
    expect(await server.command(['CONFIG', 'GET', 'save'])).toEqual(['save', '']);
    expect(await server.command(['CONFIG', 'GET', 'appendonly'])).toEqual(['appendonly', 'no']);
    expect(await server.command(['CONFIG', 'GET', 'bind'])).toEqual(['bind', '127.0.0.1']);
    const [, dir] = (await server.command(['CONFIG', 'GET', 'dir'])) as string[];
    expect(dir).toMatch(/plain-client-redis-/);
    expect(server.port).not.toBe(6379);
  });

  it('stops, refuses connections while stopped, and starts again empty on the same port', async (ctx) => {
    const server = redis.server(ctx);
    const port = server.port;
    await server.command(['SET', 'before', 'stop']);
    const [, pid] = ((await server.command(['INFO', 'server'])) as string).match(/process_id:(\d+)/) ?? [];
    await server.stop();
    expect(server.running).toBe(false);
    expect(isAlive(Number(pid))).toBe(false);
    await expect(redisCommand(port, ['PING'])).rejects.toThrow(/ECONNREFUSED/);
    await server.stop();

    await server.start();
    expect(server.running).toBe(true);
    expect(server.port).toBe(port);
    expect(await server.command(['PING'])).toBe('PONG');
    expect(await server.command(['GET', 'before'])).toBeNull();
  });

  it('pauses (a server that accepts connections but answers nothing) and resumes', async (ctx) => {
    const server = redis.server(ctx);
    server.pause();
    await expect(redisCommand(server.port, ['PING'], 300)).rejects.toThrow(/no answer within 300 ms/);
    server.resume();
    expect(await server.command(['PING'])).toBe('PONG');
  });

  it('returns Redis error replies as Error values', async (ctx) => {
    const server = redis.server(ctx);
    const reply = await server.command(['NOSUCHCOMMAND']);
    expect(reply).toBeInstanceOf(Error);
    expect(String(reply)).toMatch(/unknown command/);
  });
});

describe('when redis-server is missing', () => {
  const saved = { REDIS_SERVER: process.env.REDIS_SERVER, CI: process.env.CI };
  const restore = (name: keyof typeof saved) => {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  };
  beforeAll(() => {
    process.env.REDIS_SERVER = '/nonexistent/redis-server';
  });
  const redis = useRedisServer();
  afterAll(() => restore('REDIS_SERVER'));
  afterEach(() => restore('CI'));

  it('finds no server and says why', () => {
    expect(findRedisServer()).toEqual({ reason: 'REDIS_SERVER=/nonexistent/redis-server is not an executable file' });
    expect(redis.unavailable).toBe('REDIS_SERVER=/nonexistent/redis-server is not an executable file');
  });

  it('skips a test that needs Redis with the reason, outside CI', () => {
    delete process.env.CI;
    const skip = vi.fn((note?: string): never => {
      throw new Error(`skipped: ${note}`);
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(() => redis.server({ skip } as never)).toThrow(/^skipped: needs a local redis-server: REDIS_SERVER=/);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[redis\] skipping tests: needs a local redis-server/));
    } finally {
      warn.mockRestore();
    }
  });

  it('fails a test that needs Redis in CI instead of skipping it', () => {
    process.env.CI = 'true';
    const skip = vi.fn();
    expect(() => redis.server({ skip } as never)).toThrow(/CI=true: a test that needs Redis fails rather than skips/);
    expect(skip).not.toHaveBeenCalled();
  });
});
