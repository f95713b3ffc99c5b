// Tests of src/safety/text_normalize.cpp: Unicode folding and the word readings of a text.
#include "safety/text_normalize.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace kinema::safety {
namespace {

const LeetTable kLeet{{'0', "o"}, {'1', "il"}, {'3', "e"}, {'4', "a"}, {'5', "s"}, {'7', "t"},
                      {'@', "a"}, {'$', "s"}, {'!', "i"}, {'|', "li"}, {'+', "t"}};

// Every form of every word of one reading, joined by spaces.
std::string reading_text(const std::string& text, const std::string& reading, size_t form = 0) {
  for (const auto& r : readings(fold_text(text), kLeet)) {
    if (r.name != reading) continue;
    std::string out;
    for (const auto& w : r.words) out += (out.empty() ? "" : " ") + w.forms[std::min(form, w.forms.size() - 1)];
    return out;
  }
  return "(no " + reading + " reading)";
}

TEST(FoldText, FoldsCaseAndCompatibilityForms) {
  EXPECT_EQ(fold_text("A Red BALL"), "a red ball");
  EXPECT_EQ(fold_text("\xEF\xBC\xA2\xEF\xBD\x8F\xEF\xBD\x98"), "box");  // fullwidth "Ｂｏｘ"
  EXPECT_EQ(fold_text("\xEF\xAC\x81re"), "fire");                        // the "ﬁ" ligature
  EXPECT_EQ(fold_text("\xE2\x93\x91\xE2\x93\x90\xE2\x93\x9B\xE2\x93\x9B"), "ball");  // circled letters
}

TEST(FoldText, RemovesAccents) {
  EXPECT_EQ(fold_text("caf\xC3\xA9 na\xC3\xAFve \xC3\xB1"), "cafe naive n");
  EXPECT_EQ(fold_text("Beyonc\xC3\xA9"), "beyonce");
}

TEST(FoldText, RemovesZeroWidthCharacters) {
  EXPECT_EQ(fold_text("b\xE2\x80\x8B" "a\xE2\x80\x8C" "l\xE2\x80\x8D" "l\xEF\xBB\xBF"), "ball");  // ZWSP ZWNJ ZWJ BOM
  EXPECT_EQ(fold_text("bo\xC2\xADx"), "box");                                                      // soft hyphen
  EXPECT_EQ(fold_text("bo\xE2\x81\xA0x"), "box");                                                  // word joiner
}

TEST(FoldText, MapsLookAlikeLettersOfOtherScriptsToLatin) {
  EXPECT_EQ(fold_text("\xD0\xB0\xD1\x80\xD0\xB5"), "ape");  // Cyrillic а р е
  EXPECT_EQ(fold_text("b\xCE\xBFx"), "box");               // Greek omicron
  EXPECT_EQ(fold_text("\xD0\x90\xD0\x92\xD0\xA1"), "abc");  // Cyrillic capitals А В С
}

TEST(FoldText, KeepsScriptsWithoutLatinLookAlikes) {
  EXPECT_EQ(fold_text("\xE7\x8C\xAB"), "\xE7\x8C\xAB");  // 猫 stays
}

TEST(Readings, SplitAtPunctuationAndDropApostrophes) {
  EXPECT_EQ(reading_text("self-harm, don't", "pieces"), "self harm dont");
}

TEST(Readings, JoinPunctuatedLetters) {
  EXPECT_EQ(reading_text("k.i.l.l n-u-d-e", "tokens"), "kill nude");
}

TEST(Readings, JoinRunsOfSpacedLetters) {
  EXPECT_EQ(reading_text("a s e x  scene", "singles"), "asex scene");
  const auto all = readings(fold_text("a red ball"), kLeet);
  EXPECT_EQ(all.size(), 1u) << "plain text has only the pieces reading";
}

TEST(Readings, ReadLeetspeakInWordsButKeepNumbers) {
  EXPECT_EQ(reading_text("k1ll 4 n4k3d $ex", "pieces", 0), "k1ll 4 n4k3d $ex");
  EXPECT_EQ(reading_text("k1ll 4 n4k3d $ex", "pieces", 1), "kill a naked sex") << "numbers too, in leetspeak";
  EXPECT_EQ(reading_text("8 bit 16 balls", "pieces", 1), "8 bit 16 balls");
  EXPECT_EQ(reading_text("it shatters!", "pieces", 1), "it shatters");
}

TEST(Readings, KeepMaskedLettersInsideWords) {
  EXPECT_EQ(reading_text("n*de *star*", "pieces"), "n*de star");
}

TEST(LeetForms, OfferEveryReadingOfAnAmbiguousSymbol) {
  const auto forms = leet_forms("k1ll", kLeet);
  EXPECT_NE(std::find(forms.begin(), forms.end(), "kill"), forms.end());
  EXPECT_NE(std::find(forms.begin(), forms.end(), "klll"), forms.end());
  EXPECT_EQ(forms.front(), "k1ll");
}

TEST(WithinOneEdit, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
  EXPECT_TRUE(within_one_edit("suicide", "suicide"));
  EXPECT_TRUE(within_one_edit("suicde", "suicide"));
  EXPECT_TRUE(within_one_edit("suiccide", "suicide"));
  EXPECT_TRUE(within_one_edit("suicida", "suicide"));
  EXPECT_TRUE(within_one_edit("siucide", "suicide"));
  EXPECT_FALSE(within_one_edit("sucidi", "suicide"));
  EXPECT_FALSE(within_one_edit("abc", "abcde"));
}

TEST(CollapseRepeats, ReducesRunsToOneLetter) {
  EXPECT_EQ(collapse_repeats("nuuuude"), "nude");
  EXPECT_TRUE(has_repeats("kill"));
  EXPECT_FALSE(has_repeats("nude"));
}

}  // namespace
}  // namespace kinema::safety
