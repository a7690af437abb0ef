/** Every lesson, as a student meets it: pick it, predict, run, read the answer, see the code that ran. */
export const LESSONS: { id: string; script: string | null; params?: Record<string, string> }[] = [
  { id: 'chef-concurrent', script: null },
  { id: 'chef-parallel', script: null },
  { id: 'py-threading', script: 'py_threading.py' },
  { id: 'node-threads', script: null },
  { id: 'py-threads-io', script: 'py_threads_io.py' },
  { id: 'py-threads-cpu', script: 'py_threads_cpu.py', params: { 'Work per worker': '1500' } },
  { id: 'py-multiprocessing', script: 'py_multiprocessing.py' },
  { id: 'node-processes', script: null },
  { id: 'py-processes-cpu', script: 'py_processes_cpu.py', params: { 'Work per worker': '1500' } },
  { id: 'py-asyncio', script: 'py_asyncio.py', params: { 'Wait in each task': '300' } },
  { id: 'node-async', script: null, params: { 'Wait per task': '300' } },
  { id: 'py-async-blocking', script: 'py_async_blocking.py' },
  { id: 'py-jupyter-loop', script: 'py_jupyter_loop.py', params: { 'Wait in each task': '300' } },
];
