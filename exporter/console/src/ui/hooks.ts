import { useEffect, useState } from 'preact/hooks';

/** The current value of something with subscribe(): re-renders on each change. */
export function useSubscription<Value>(source: { subscribe(listener: (value: Value) => void): () => void }, read: () => Value): Value {
  const [value, setValue] = useState(read);
  useEffect(() => {
    setValue(read());
    return source.subscribe(setValue);
    // (`read` reads `source`: a new source is the only reason to subscribe again)
  }, [source]);
  return value;
}

/** Date.now(), renewed every `periodMs` (re-rendering only the component that asks). */
export function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}
