const { exec, execSync } = require('node:child_process');

function archive(dir) {
  // ruleid: js-child-process-exec
  exec('tar czf out.tgz ' + dir, (err) => { if (err) throw err; });
  // ruleid: js-child-process-exec
  return execSync(`du -sh ${dir}`).toString();
}

function uptime() {
  // ok: js-child-process-exec
  return execSync('uptime').toString();
}

module.exports = { archive, uptime };
