const express = require("express");
const { exec } = require("child_process");

const app = express();

app.get("/convert", (req, res) => {
  const file = req.query.file;
  exec(`convert ${file} out.png`, (err, stdout) => {
    res.send(stdout);
  });
});

app.get("/calc", (req, res) => {
  res.send(String(eval(req.query.expr)));
});

app.listen(3000);
