const http = require("http");
const greet = require("greet");

const port = process.env.PORT || 3000;
http
  .createServer((request, response) => {
    response.end(greet("Docker") + "\n");
  })
  .listen(port, () => console.log(`listening on port ${port}`));
