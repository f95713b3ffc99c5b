// The prompt files of `kinema eval`: single shots, "a || b" pairs continued in one scene, comments.
#include "eval/prompt_list.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace kinema::eval {
namespace {

TEST(PromptList, ReadsShotsAndPairsSkippingComments) {
  const auto list = parse_prompt_list(
      "# comment\n\na red ball bounces\n  a glass shatters || the glass lies in pieces \n"
      "a box slides || it stops || the camera zooms in\n");
  ASSERT_EQ(list.size(), 6u);
  EXPECT_EQ(list[0].text, "a red ball bounces");
  EXPECT_EQ(list[0].continues, -1);
  EXPECT_EQ(list[0].line, 3);
  EXPECT_EQ(list[1].text, "a glass shatters");
  EXPECT_EQ(list[2].text, "the glass lies in pieces");
  EXPECT_EQ(list[2].continues, 1);
  EXPECT_EQ(list[2].line, 4);
  EXPECT_EQ(list[3].continues, -1);
  EXPECT_EQ(list[4].continues, 3);
  EXPECT_EQ(list[5].continues, 4);
}

TEST(PromptList, AnEmptyShotNamesItsLine) {
  try {
    parse_prompt_list("a ball\na glass ||  \n", "list.txt");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("list.txt:2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kinema::eval
