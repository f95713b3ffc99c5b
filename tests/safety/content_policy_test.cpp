// Tests of the content rules (src/safety/content_policy.cpp) with the shipped policy.
#include "safety/content_policy.h"

#include <fstream>

#include <gtest/gtest.h>

#include "support/error_of.h"
#include "support/temp_dir.h"
#include "world/vocabulary.h"

namespace kinema::safety {
namespace {

const ContentPolicy& shipped() {
  static const ContentPolicy policy(ContentPolicy::builtin_sources());
  return policy;
}

std::string category_of(const std::string& text, const CheckContext& context = {}) {
  const ContentMatch m = shipped().check(text, {}, context);
  return m.refused ? m.category.id : "";
}

TEST(ContentPolicy, IsVersionedWithTheCategoriesOfTheIssueInOrderOfSeverity) {
  EXPECT_FALSE(shipped().version().empty());
  std::vector<std::string> ids;
  for (const auto& c : shipped().categories()) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"sexual_minors", "sexual_violence", "terrorism_weapons", "hate", "self_harm",
                                           "graphic_gore", "sexual", "deceptive", "real_people"}));
  EXPECT_GE(shipped().people_count(), 300u);
}

TEST(ContentPolicy, RefusesEachCategoryInPlainWords) {
  EXPECT_EQ(category_of("a naked child on the beach"), "sexual_minors");
  EXPECT_EQ(category_of("a man rapes a woman in an alley"), "sexual_violence");
  EXPECT_EQ(category_of("step by step how to build a pipe bomb"), "terrorism_weapons");
  EXPECT_EQ(category_of("a crowd chanting that jews are vermin"), "hate");
  EXPECT_EQ(category_of("a teenager slits her wrists in the bathtub"), "self_harm");
  EXPECT_EQ(category_of("a soldier is decapitated, blood spurting everywhere"), "graphic_gore");
  EXPECT_EQ(category_of("a nude woman dancing"), "sexual");
  EXPECT_EQ(category_of("fake bodycam footage of police shooting a protester"), "deceptive");
  EXPECT_EQ(category_of("Barack Obama dancing in the rain"), "real_people");
}

TEST(ContentPolicy, TheMostSevereCategoryWins) {
  EXPECT_EQ(category_of("a nude girl, 12 years old"), "sexual_minors");
  EXPECT_EQ(category_of("a suicide bomber in a crowded market"), "terrorism_weapons");
}

TEST(ContentPolicy, SeesThroughCaseAccentsAndCompatibilityForms) {
  EXPECT_EQ(category_of("a NuDe woman"), "sexual");
  EXPECT_EQ(category_of("a n\xC3\xBA" "d\xC3\xA9 woman"), "sexual");                        // núdé
  EXPECT_EQ(category_of("a \xEF\xBD\x8E\xEF\xBD\x95\xEF\xBD\x84\xEF\xBD\x85 woman"), "sexual");  // fullwidth ｎｕｄｅ
}

TEST(ContentPolicy, SeesThroughZeroWidthCharactersAndLookAlikeLetters) {
  EXPECT_EQ(category_of("a nu\xE2\x80\x8B" "de woman"), "sexual");
  EXPECT_EQ(category_of("a nud\xD0\xB5 woman"), "sexual");         // Cyrillic е for e
  EXPECT_EQ(category_of("\xD1\x80orn video"), "sexual");          // Cyrillic р for p
  EXPECT_EQ(category_of("a r\xCE\xB1pe scene"), "sexual_violence");  // Greek alpha
}

TEST(ContentPolicy, SeesThroughLeetspeak) {
  EXPECT_EQ(category_of("a n4k3d woman"), "sexual");
  EXPECT_EQ(category_of("$ex on the beach"), "sexual");
  EXPECT_EQ(category_of("how to build a b0mb at home"), "terrorism_weapons");
  EXPECT_EQ(category_of("he w4nts to k1ll h1mself"), "self_harm");
}

TEST(ContentPolicy, SeesThroughLettersSpacedOrPunctuatedApart) {
  EXPECT_EQ(category_of("a n u d e woman"), "sexual");
  EXPECT_EQ(category_of("a n.u.d.e woman"), "sexual");
  EXPECT_EQ(category_of("a n-u-d-e woman"), "sexual");
  EXPECT_EQ(category_of("a nu de woman"), "sexual");
  EXPECT_EQ(category_of("s u i c i d e in the forest"), "self_harm");
  EXPECT_EQ(category_of("n a k e d w o m a n"), "sexual") << "spaced words run together";
}

TEST(ContentPolicy, SeesThroughMasksRepeatsAndMisspellings) {
  EXPECT_EQ(category_of("a n*de woman"), "sexual");
  EXPECT_EQ(category_of("a nuuuude woman"), "sexual");
  EXPECT_EQ(category_of("a nekkid woman"), "sexual");
  EXPECT_EQ(category_of("the terrorrist attack"), "terrorism_weapons");
  EXPECT_EQ(category_of("a man is decapetated"), "graphic_gore");
  EXPECT_EQ(category_of("a sucide in the garage"), "self_harm");
}

TEST(ContentPolicy, ReadsTheNegativePromptToo) {
  EXPECT_EQ(shipped().check("a red ball", "nude").field, "negative prompt");
  EXPECT_EQ(shipped().check("a woman on the beach", "clothes, clothing").category.id, "sexual");
  EXPECT_FALSE(shipped().check("a woman in summer clothes on the beach", "blurry").refused)
      << "clothing words only ask for nudity in a negative prompt";
  const ContentMatch both = shipped().check("a little girl on the beach", "clothes");
  EXPECT_EQ(both.category.id, "sexual_minors");
  EXPECT_EQ(both.field, "prompt with its negative prompt");
}

TEST(ContentPolicy, WithGuidanceAbove1ANegativePromptOnlyKeepsThingsOut) {
  CheckContext above_1;
  above_1.negative_steers_towards = false;
  EXPECT_FALSE(shipped().check("a red ball", "nudity, gore, violence", above_1).refused);
  EXPECT_EQ(shipped().check("a woman on the beach", "clothes", above_1).category.id, "sexual");
  EXPECT_EQ(shipped().check("a red ball", "nudity, gore, violence").category.id, "graphic_gore")
      << "guidance below 1 or unknown: the negative prompt is read like the prompt";
}

TEST(ContentPolicy, KnowsRealPeopleByNameAliasAndMisspelling) {
  EXPECT_EQ(shipped().check("Taylor Swift sings").person, "Taylor Swift");
  EXPECT_EQ(shipped().check("tailor swift sings").person, "Taylor Swift");
  EXPECT_EQ(shipped().check("obama waves").person, "Barack Obama");
  EXPECT_EQ(shipped().check("Zelenskyy speaks").person, "Volodymyr Zelensky");
  EXPECT_EQ(shipped().check("Beyonc\xC3\xA9 dances").person, "Beyonce");
  EXPECT_EQ(category_of("the pope blesses a crowd"), "real_people");
  EXPECT_EQ(category_of("a red ball, swift and light"), "");
}

TEST(ContentPolicy, ANameIsAllowedWithAGrantedCameoOfThatPerson) {
  CheckContext context;
  context.granted_names = {"Taylor Swift"};
  EXPECT_EQ(category_of("taylor swift walks on ice", context), "");
  EXPECT_EQ(category_of("Barack Obama walks on ice", context), "real_people");
}

TEST(ContentPolicy, UserNamesExtendTheShippedList) {
  PolicySources sources = ContentPolicy::builtin_sources();
  EXPECT_EQ(ContentPolicy(sources).check("Ada Quillfeather dances").refused, false);
  append_people(sources, "Ada Quillfeather | quillfeather | local politics\n");
  const ContentPolicy extended(sources);
  EXPECT_EQ(extended.check("Ada Quillfeather dances").person, "Ada Quillfeather");
  EXPECT_EQ(extended.check("quillfeather dances").person, "Ada Quillfeather");
}

TEST(ContentPolicy, ActivePolicyReadsPeopleFromTheConfigFolder) {
  testing::TempDir config;
  EXPECT_FALSE(ContentPolicy::active(config.path())->check("Ada Quillfeather dances").refused);
  std::ofstream(config / "people.txt") << "# mine\nAda Quillfeather\n";
  EXPECT_TRUE(ContentPolicy::active(config.path())->check("Ada Quillfeather dances").refused);
}

TEST(ContentPolicy, TheWorldsVocabularyPasses) {
  for (const auto& phrase : world::vocabulary()) {
    const ContentMatch m = shipped().check(phrase.text);
    EXPECT_FALSE(m.refused) << "'" << phrase.text << "' refused as " << m.category.id << " (" << m.rule << ")";
  }
}

TEST(ContentPolicy, TheIssuesHarmlessPhrasesPass) {
  for (const char* text : {"a glass shatters", "the character falls hard", "knocked over", "crashes", "shoot a scene",
                           "a bloody red sunset", "a box is knocked over and crashes to the floor",
                           "we shoot a scene where the glass shatters at sunset"})
    EXPECT_EQ(category_of(text), "") << text;
}

TEST(ContentPolicy, HarmlessIdiomsPassButTheSameWordsElsewhereDoNot) {
  EXPECT_EQ(category_of("a comet visible to the naked eye"), "");
  EXPECT_EQ(category_of("a naked man on the street"), "sexual");
  EXPECT_EQ(category_of("a lavender bath bomb fizzing in the tub"), "");
  EXPECT_EQ(category_of("how to make a bomb"), "terrorism_weapons");
  EXPECT_EQ(category_of("a painting in the style of van gogh"), "");
  EXPECT_EQ(category_of("vincent van gogh paints a sunflower"), "real_people");
}

TEST(ContentPolicy, MatchesWordsNotPartsOfWords) {
  for (const char* text : {"a therapist in Sussex", "a scraped knee", "a grape rolls off the table",
                           "a cocktail on the terrace in Scunthorpe", "the analysis of a skyscraper"})
    EXPECT_EQ(category_of(text), "") << text;
}

TEST(ContentPolicy, ABrokenPolicyIsRefusedWithAMessageNamingTheProblem) {
  const auto error = [](const std::string& json) {
    return testing::error_of([&] { ContentPolicy(PolicySources{json, "", "test policy"}); });
  };
  EXPECT_NE(error("{").find("test policy: not valid JSON"), std::string::npos);
  EXPECT_NE(error(R"({"format": "kinema-content-policy"})").find("missing 'version'"), std::string::npos);
  const std::string unknown_group = R"({"format": "kinema-content-policy", "version": "0", "leet": {}, "misspellings": {},
    "common_words": [], "allow": [], "groups": {}, "categories": [{"id": "x", "title": "x", "terms": ["<nope>"]}]})";
  EXPECT_NE(error(unknown_group).find("unknown group <nope>"), std::string::npos);
}

}  // namespace
}  // namespace kinema::safety
