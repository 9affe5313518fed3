const m = process.argv[2];
const c0 = process.cpuUsage(); const t0 = performance.now();
await import(m);
const c = process.cpuUsage(c0);
console.log(m.replace(/.*dist\//, "").padEnd(50), (performance.now() - t0).toFixed(1).padStart(7), "ms", ((c.user + c.system) / 1000).toFixed(1).padStart(7), "cpu");
